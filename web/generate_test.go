package web

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
)

// TestGeneratedCodeIsFresh fails when a .templ file was edited without
// running make generate, so the committed Go always matches the templates.
func TestGeneratedCodeIsFresh(t *testing.T) {
	templates, err := filepath.Glob("*.templ")
	if err != nil || len(templates) == 0 {
		t.Fatalf("no templates found: %v", err)
	}
	for _, tmpl := range templates {
		// From the repository root, as make generate runs it: the file
		// names in the generated code are relative to it.
		cmd := exec.Command("go", "tool", "templ", "generate", "-f", filepath.Join("web", tmpl), "-stdout")
		cmd.Dir = ".."
		want, err := cmd.Output()
		if err != nil {
			t.Fatalf("templ generate -f %s: %v", tmpl, err)
		}
		generated := tmpl[:len(tmpl)-len(".templ")] + "_templ.go"
		have, err := os.ReadFile(generated)
		if err != nil {
			t.Fatalf("%s: %v (run make generate)", generated, err)
		}
		if !bytes.Equal(bytes.TrimSpace(have), bytes.TrimSpace(want)) {
			t.Errorf("%s is stale: run make generate", generated)
		}
	}
}
