package main

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
)

// installed reports whether dpkg knows pkg as installed.
func installed(pkg string) bool {
	out, err := exec.Command("dpkg-query", "-W", "-f=${Status}", pkg).Output()
	return err == nil && bytes.Contains(out, []byte("install ok installed"))
}

// ensurePackages installs the missing ones of pkgs with apt-get when we are
// root, and otherwise fails with the exact command to run.
func ensurePackages(why string, pkgs ...string) error {
	var missing []string
	for _, p := range pkgs {
		if !installed(p) {
			missing = append(missing, p)
		}
	}
	if len(missing) == 0 {
		return nil
	}
	if _, err := exec.LookPath("apt-get"); err != nil {
		return fmt.Errorf("%s needs %s; install them with your system's package manager", why, strings.Join(missing, " "))
	}
	if os.Geteuid() != 0 {
		return fmt.Errorf("%s needs %s; run:\n  sudo apt-get update && sudo apt-get install -y %s",
			why, strings.Join(missing, " "), strings.Join(missing, " "))
	}
	fmt.Fprintf(os.Stderr, "devenv: installing %s for %s\n", strings.Join(missing, " "), why)
	if err := aptGet("update"); err != nil {
		return err
	}
	return aptGet(append([]string{"install", "-y", "--no-install-recommends"}, missing...)...)
}

func aptGet(args ...string) error {
	cmd := exec.Command("apt-get", args...)
	cmd.Env = append(os.Environ(), "DEBIAN_FRONTEND=noninteractive")
	cmd.Stdout, cmd.Stderr = os.Stderr, os.Stderr
	if err := cmd.Run(); err != nil {
		return fmt.Errorf("apt-get %s: %w", strings.Join(args, " "), err)
	}
	return nil
}

// ensurePostgres makes sure a PostgreSQL server of version 15 or later is
// installed (Debian 12 and Ubuntu 24.04 ship one as "postgresql"), with the
// PostGIS build for that same version, which the hotspots need.
func ensurePostgres() error {
	if _, err := findServer(); err != nil {
		if err := ensurePackages("a private PostgreSQL", "postgresql"); err != nil {
			return err
		}
	}
	bin, err := findServer()
	if err != nil {
		return err
	}
	major := filepath.Base(filepath.Dir(bin)) // /usr/lib/postgresql/15/bin
	if _, err := os.Stat(filepath.Join("/usr/share/postgresql", major, "extension", "postgis.control")); err == nil {
		return nil
	}
	return ensurePackages("the hotspot map (PostGIS)", "postgresql-"+major+"-postgis-3")
}

// ensureBrowser installs Chromium, its driver and the Noto fonts that render
// Thai and Khmer, for the browser tests. Outside CI a failure only warns:
// those tests then skip and say why.
func ensureBrowser() error {
	return ensurePackages("the browser tests", "chromium", "chromium-driver", "fonts-noto-core")
}
