// Package cluster starts a private PostgreSQL cluster for make run and for
// the tests: its own data folder, its own unix-socket folder and no TCP port,
// so it never clashes with a system cluster.
package cluster

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
)

// Cluster is a PostgreSQL cluster in Dir, listening only on a socket in
// Dir/socket. Its superuser is named after the operating-system user that
// runs it, and local connections are trusted: the socket folder is private.
type Cluster struct {
	Dir    string // the cluster's folder: data/, socket/ and postgres.log
	BinDir string // where initdb, pg_ctl and postgres live
	// RunAs is the unprivileged user that runs the server when we are root
	// (initdb refuses root); empty when we are not root.
	RunAs string
	// Settings are more server settings, each "name=value", passed as -c
	// options when the server starts.
	Settings []string
}

// The private socket folder lets the port number stay the default without a
// clash: a cluster is named by its socket folder and port together.
const port = 5432

// New describes a cluster in dir; call Start to create or start it.
func New(dir string) (*Cluster, error) {
	abs, err := filepath.Abs(dir)
	if err != nil {
		return nil, err
	}
	bin, err := FindBinDir()
	if err != nil {
		return nil, err
	}
	c := &Cluster{Dir: abs, BinDir: bin}
	if os.Geteuid() == 0 {
		c.RunAs = "postgres"
	}
	return c, nil
}

// ErrNoServer means no PostgreSQL server binaries are installed.
var ErrNoServer = errors.New("no PostgreSQL server found in /usr/lib/postgresql/*/bin")

// FindBinDir returns the bin folder of the newest installed PostgreSQL server,
// 15 or later.
func FindBinDir() (string, error) {
	matches, _ := filepath.Glob("/usr/lib/postgresql/*/bin/initdb")
	best, bestVersion := "", 0
	for _, m := range matches {
		v, err := strconv.Atoi(filepath.Base(filepath.Dir(filepath.Dir(m))))
		if err == nil && v >= 15 && v > bestVersion {
			best, bestVersion = filepath.Dir(m), v
		}
	}
	if best == "" {
		return "", ErrNoServer
	}
	return best, nil
}

// Major is the server's major version, read from its folder name.
func (c *Cluster) Major() string { return filepath.Base(filepath.Dir(c.BinDir)) }

func (c *Cluster) dataDir() string   { return filepath.Join(c.Dir, "data") }
func (c *Cluster) socketDir() string { return filepath.Join(c.Dir, "socket") }

// SuperuserURL is a connection string for the cluster's superuser, database db.
func (c *Cluster) SuperuserURL(db string) string {
	return c.URL(c.superuser(), db)
}

// URL is a connection string for role on database db over the private socket.
func (c *Cluster) URL(role, db string) string {
	return fmt.Sprintf("postgres:///%s?host=%s&port=%d&user=%s&sslmode=disable", db, c.socketDir(), port, role)
}

func (c *Cluster) superuser() string {
	if c.RunAs != "" {
		return c.RunAs
	}
	if u, err := user.Current(); err == nil {
		return u.Username
	}
	return "postgres"
}

// Start creates the cluster on first use and starts it. It is a no-op
// for a cluster that is already running.
func (c *Cluster) Start(ctx context.Context) error {
	if err := os.MkdirAll(c.Dir, 0o755); err != nil {
		return err
	}
	if err := c.checkTraversable(); err != nil {
		return err
	}
	if _, err := os.Stat(filepath.Join(c.dataDir(), "PG_VERSION")); errors.Is(err, os.ErrNotExist) {
		if err := c.initdb(ctx); err != nil {
			return err
		}
	}
	if c.Running(ctx) {
		return nil
	}
	opts := fmt.Sprintf("-k %s -p %d -c listen_addresses='' -c max_connections=200 -c fsync=off -c full_page_writes=off -c synchronous_commit=off", c.socketDir(), port)
	for _, s := range c.Settings {
		opts += " -c " + s
	}
	if err := c.run(ctx, filepath.Join(c.BinDir, "pg_ctl"), "start", "-w", "-t", "60", "-D", c.dataDir(),
		"-l", filepath.Join(c.Dir, "postgres.log"), "-o", opts); err != nil {
		log, _ := os.ReadFile(filepath.Join(c.Dir, "postgres.log"))
		return fmt.Errorf("start PostgreSQL: %w\n%s", err, tail(log, 2000))
	}
	return nil
}

// Stop shuts the server down quickly, rolling back open transactions.
func (c *Cluster) Stop(ctx context.Context) error {
	if !c.Running(ctx) {
		return nil
	}
	return c.run(ctx, filepath.Join(c.BinDir, "pg_ctl"), "stop", "-w", "-m", "fast", "-D", c.dataDir())
}

// Remove stops the cluster and deletes its folder.
func (c *Cluster) Remove(ctx context.Context) error {
	return errors.Join(c.Stop(ctx), os.RemoveAll(c.Dir))
}

// Running reports whether the cluster's server is up.
func (c *Cluster) Running(ctx context.Context) bool {
	return c.run(ctx, filepath.Join(c.BinDir, "pg_ctl"), "status", "-D", c.dataDir()) == nil
}

func (c *Cluster) initdb(ctx context.Context) error {
	for _, d := range []string{c.dataDir(), c.socketDir()} {
		if err := os.MkdirAll(d, 0o700); err != nil {
			return err
		}
		if err := c.chown(d); err != nil {
			return err
		}
	}
	if err := c.chown(c.Dir); err != nil {
		return err
	}
	return c.run(ctx, filepath.Join(c.BinDir, "initdb"), "-D", c.dataDir(), "-U", c.superuser(),
		"--auth=trust", "--encoding=UTF8", "--locale=C.UTF-8", "--no-sync")
}

func (c *Cluster) chown(path string) error {
	if c.RunAs == "" {
		return nil
	}
	u, err := user.Lookup(c.RunAs)
	if err != nil {
		return fmt.Errorf("the PostgreSQL server runs as user %q, which does not exist (install the postgresql package): %w", c.RunAs, err)
	}
	uid, _ := strconv.Atoi(u.Uid)
	gid, _ := strconv.Atoi(u.Gid)
	return os.Chown(path, uid, gid)
}

// checkTraversable fails early, with the fix, when the unprivileged server
// user could not reach the cluster folder.
func (c *Cluster) checkTraversable() error {
	if c.RunAs == "" {
		return nil
	}
	for dir := filepath.Dir(c.Dir); ; dir = filepath.Dir(dir) {
		info, err := os.Stat(dir)
		if err != nil {
			return err
		}
		if info.Mode().Perm()&0o001 == 0 {
			return fmt.Errorf("user %s cannot enter %s, so it cannot run PostgreSQL in %s; run: chmod o+x %s", c.RunAs, dir, c.Dir, dir)
		}
		if dir == "/" {
			return nil
		}
	}
}

// run runs a server program, as RunAs when we are root.
func (c *Cluster) run(ctx context.Context, name string, args ...string) error {
	if c.RunAs != "" {
		args = append([]string{"-u", c.RunAs, "--", name}, args...)
		name = "runuser"
	}
	cmd := exec.CommandContext(ctx, name, args...)
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	cmd.Dir = "/"
	// Its own process group keeps a Ctrl-C meant for make run from reaching
	// the server before we stop it in order.
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	if err := cmd.Run(); err != nil {
		return fmt.Errorf("%s %s: %w\n%s", filepath.Base(name), strings.Join(args, " "), err, tail(out.Bytes(), 2000))
	}
	return nil
}

func tail(b []byte, n int) string {
	if len(b) > n {
		b = b[len(b)-n:]
	}
	return string(b)
}
