package app

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"

	"golang.org/x/term"

	"github.com/handshake-mekong/handshake/internal/agencies"
	"github.com/handshake-mekong/handshake/internal/validate"
)

// userCmd creates a platform admin. The password never comes from an
// argument, where it would sit in the shell history and the process list.
func userCmd(ctx context.Context, c *command, args []string) error {
	if len(args) == 0 || args[0] != "create" {
		return ErrUsage
	}
	fs := c.flagSet("user create")
	email := fs.String("email", "", "the platform admin's email")
	name := fs.String("name", "", "the platform admin's display name")
	country := fs.String("country", "TH", "the operator agency's country, on first use")
	if err := fs.Parse(args[1:]); err != nil || *email == "" || *name == "" {
		fmt.Fprintln(c.env.Stderr, "usage: handshake user create --email E --name N [--country TH] (password from prompt or stdin)")
		return ErrUsage
	}
	password, err := readPassword(c.env)
	if err != nil {
		return err
	}
	pool, err := c.openCurrent(ctx)
	if err != nil {
		return err
	}
	defer pool.Close()
	id, err := agencies.NewStore(pool).CreatePlatformAdmin(ctx, *email, *name, password, strings.ToUpper(*country))
	if verrs, ok := errors.AsType[validate.Errors](err); ok {
		return fmt.Errorf("not created: %s", verrs.Error())
	}
	if err != nil {
		return err
	}
	fmt.Fprintf(c.env.Stdout, "created platform admin %s (user %d)\n", *email, id)
	return nil
}

// readPassword prompts twice without echo on a terminal, or reads the first
// line of stdin otherwise (for scripts: printf '%s\n' "$PW" | handshake ...).
func readPassword(env Env) (string, error) {
	if f, ok := env.Stdin.(*os.File); ok && term.IsTerminal(int(f.Fd())) {
		fmt.Fprint(env.Stderr, "Password (12 characters or more): ")
		first, err := term.ReadPassword(int(f.Fd()))
		fmt.Fprintln(env.Stderr)
		if err != nil {
			return "", err
		}
		fmt.Fprint(env.Stderr, "Password again: ")
		second, err := term.ReadPassword(int(f.Fd()))
		fmt.Fprintln(env.Stderr)
		if err != nil {
			return "", err
		}
		if string(first) != string(second) {
			return "", errors.New("the two passwords differ")
		}
		return string(first), nil
	}
	line, err := bufio.NewReader(env.Stdin).ReadString('\n')
	if err != nil && !errors.Is(err, io.EOF) {
		return "", err
	}
	line = strings.TrimRight(line, "\r\n")
	if line == "" {
		return "", errors.New("no password on stdin")
	}
	return line, nil
}
