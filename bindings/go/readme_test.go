package thumbnail

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"testing"
)

// The README's examples, checked as a reader would use them: each ```go
// block becomes a program in a module that requires this package exactly
// as the README's "Use" section says (its require and replace lines, the
// path filled in); every program must pass go vet, and one followed by a
// ```text block must print that text when run from this folder.

var readmeFence = regexp.MustCompile("(?s)```(\\w*)\\n(.*?)```")

// The packages the snippets use, by the name they are called by: a
// snippet shows no import block, the program gets one for the names it
// uses.
var snippetImports = map[string]string{
	"errors":    "errors",
	"filepath":  "path/filepath",
	"fmt":       "fmt",
	"log":       "log",
	"os":        "os",
	"strings":   "strings",
	"thumbnail": "libthumbnail/thumbnail",
}

// The placeholder of the README's replace line.
const readmeModulePath = "/path/to/libthumbnail/bindings/go"

type readmeBlock struct{ lang, body string }

func readmeBlocks(t *testing.T) (blocks []readmeBlock, text string) {
	t.Helper()
	data, err := os.ReadFile("README.md")
	if err != nil {
		t.Fatal(err)
	}
	text = string(data)
	for _, m := range readmeFence.FindAllStringSubmatch(text, -1) {
		blocks = append(blocks, readmeBlock{m[1], m[2]})
	}
	return blocks, text
}

// snippetProgram makes a main package of a README snippet: declarations
// as they are (beside an empty main), statements as main's body.
func snippetProgram(body string) string {
	var kept []string
	for _, line := range strings.Split(body, "\n") {
		if !strings.HasPrefix(line, "import ") {
			kept = append(kept, line)
		}
	}
	code := strings.Join(kept, "\n")
	var imports []string
	for name, path := range snippetImports {
		if regexp.MustCompile(`\b` + name + `\.`).MatchString(code) {
			imports = append(imports, strconv.Quote(path))
		}
	}
	sort.Strings(imports)
	head := "package main\n\nimport (\n\t" + strings.Join(imports, "\n\t") + "\n)\n\n"
	if strings.HasPrefix(strings.TrimSpace(code), "func ") {
		return head + code + "\nfunc main() {}\n"
	}
	return head + "func main() {\n" + code + "}\n"
}

// goModule is the go.mod of a module using this package as the README's
// "Use" section says.
func goModule(t *testing.T, readme string) string {
	t.Helper()
	use := readme[strings.Index(readme, "## Use\n"):]
	m := readmeFence.FindStringSubmatch(use)
	if m == nil || !strings.Contains(m[2], "replace libthumbnail/thumbnail => "+readmeModulePath) {
		t.Fatalf("the README's Use section has no replace line for %s", readmeModulePath)
	}
	here, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	return "module readme\n\ngo 1.19\n\n" + strings.ReplaceAll(m[2], readmeModulePath, here)
}

func runGo(t *testing.T, dir string, args ...string) {
	t.Helper()
	cmd := exec.Command("go", args...)
	cmd.Dir = dir
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("go %s: %v\n%s", strings.Join(args, " "), err, out)
	}
}

func TestReadmeExamples(t *testing.T) {
	blocks, text := readmeBlocks(t)
	module := t.TempDir()
	if err := os.WriteFile(filepath.Join(module, "go.mod"), []byte(goModule(t, text)), 0o644); err != nil {
		t.Fatal(err)
	}
	type printing struct{ dir, want string }
	var snippets []string
	var prints []printing
	for i, b := range blocks {
		if b.lang != "go" {
			continue
		}
		dir := "snippet" + strconv.Itoa(i)
		if err := os.Mkdir(filepath.Join(module, dir), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(module, dir, "main.go"), []byte(snippetProgram(b.body)), 0o644); err != nil {
			t.Fatal(err)
		}
		snippets = append(snippets, dir)
		if i+1 < len(blocks) && blocks[i+1].lang == "text" {
			prints = append(prints, printing{dir, blocks[i+1].body})
		}
	}
	if len(snippets) < 3 || len(prints) < 1 {
		t.Fatalf("found %d Go snippets, %d with their output: the README's fences changed?", len(snippets), len(prints))
	}
	runGo(t, module, "vet", "./...")
	for _, p := range prints {
		bin := filepath.Join(module, p.dir+".bin")
		runGo(t, module, "build", "-o", bin, "./"+p.dir)
		// From this folder, as the snippets' relative paths expect.
		cmd := exec.Command(bin)
		var stderr bytes.Buffer
		cmd.Stderr = &stderr
		got, err := cmd.Output()
		if err != nil {
			t.Fatalf("%s: %v\n%s", p.dir, err, stderr.String())
		}
		if string(got) != p.want {
			t.Errorf("the README's %s prints\n%s\nbut it shows\n%s", p.dir, got, p.want)
		}
	}
}
