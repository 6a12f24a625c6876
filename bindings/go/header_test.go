package thumbnail

import (
	"go/ast"
	"go/parser"
	"go/token"
	"image/color"
	"os"
	"path/filepath"
	"reflect"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"testing"
)

// The package's names against include/thumbnail.h, parsed: every enum
// value of the header must be a Go constant of the package, declared as
// C.THUMB_..., so cgo takes its number from the header; a new option,
// status or info key fails here until the package names it.

const headerPath = "../../include/thumbnail.h"

// The Go type of each C enum's values.
var goTypes = map[string]string{
	"thumb_status":      "Status",
	"thumb_format":      "Format",
	"thumb_fit":         "Fit",
	"thumb_subsampling": "Subsampling",
	"thumb_color":       "Color",
	"thumb_crop":        "Crop",
	"thumb_simd":        "SIMD",
	"thumb_option":      "Option",
	"thumb_info":        "InfoKey",
}

var (
	enumRE       = regexp.MustCompile(`(?s)typedef enum (\w+) \{(.*?)\} (\w+);`)
	commentRE    = regexp.MustCompile(`(?s)/\*.*?\*/`)
	enumeratorRE = regexp.MustCompile(`(\w+)\s*=\s*(\d+)`)
)

// headerEnums is {C enum: {value name: number}} of the header.
func headerEnums(t *testing.T) map[string]map[string]int {
	t.Helper()
	text, err := os.ReadFile(headerPath)
	if err != nil {
		t.Fatal(err)
	}
	enums := map[string]map[string]int{}
	for _, m := range enumRE.FindAllStringSubmatch(string(text), -1) {
		if m[1] != m[3] {
			t.Fatalf("enum %s is typedef'd as %s", m[1], m[3])
		}
		values := map[string]int{}
		body := commentRE.ReplaceAllString(m[2], "")
		for _, e := range enumeratorRE.FindAllStringSubmatch(body, -1) {
			values[e[1]], _ = strconv.Atoi(e[2])
		}
		enums[m[1]] = values
	}
	return enums
}

type goConst struct{ name, typ string }

// cgoConstants is {C name: Go constant} of every constant of the
// package's own (non-test) files whose value is C.THUMB_....
func cgoConstants(t *testing.T) map[string][]goConst {
	t.Helper()
	fset := token.NewFileSet()
	files, err := filepath.Glob("*.go")
	if err != nil {
		t.Fatal(err)
	}
	consts := map[string][]goConst{}
	for _, path := range files {
		if strings.HasSuffix(path, "_test.go") {
			continue
		}
		f, err := parser.ParseFile(fset, path, nil, 0)
		if err != nil {
			t.Fatal(err)
		}
		for _, decl := range f.Decls {
			gen, ok := decl.(*ast.GenDecl)
			if !ok || gen.Tok != token.CONST {
				continue
			}
			for _, spec := range gen.Specs {
				vs := spec.(*ast.ValueSpec)
				typ := ""
				if id, ok := vs.Type.(*ast.Ident); ok {
					typ = id.Name
				}
				for i, v := range vs.Values {
					sel, ok := v.(*ast.SelectorExpr)
					if !ok {
						continue
					}
					if x, ok := sel.X.(*ast.Ident); ok && x.Name == "C" {
						consts[sel.Sel.Name] = append(consts[sel.Sel.Name], goConst{vs.Names[i].Name, typ})
					}
				}
			}
		}
	}
	return consts
}

func TestEveryHeaderValueHasItsGoName(t *testing.T) {
	enums := headerEnums(t)
	consts := cgoConstants(t)
	// A parser that found nothing would pass the checks below.
	if len(enums["thumb_option"]) < 27 || len(consts) < 27 {
		t.Fatalf("read %d options from the header, %d constants from the package",
			len(enums["thumb_option"]), len(consts))
	}
	var names []string
	for name := range enums {
		names = append(names, name)
	}
	sort.Strings(names)
	for _, enum := range names {
		typ, ok := goTypes[enum]
		if !ok {
			t.Errorf("enum %s of the header has no Go type", enum)
			continue
		}
		for value := range enums[enum] {
			got := consts[value]
			switch {
			case len(got) == 0:
				t.Errorf("%s (%s) has no Go constant: add one of type %s = C.%s", value, enum, typ, value)
			case len(got) > 1:
				t.Errorf("%s has %d Go constants: %v", value, len(got), got)
			case got[0].typ != typ:
				t.Errorf("%s is %s, of type %q, not %s", value, got[0].name, got[0].typ, typ)
			}
		}
	}
	for name := range goTypes {
		if _, ok := enums[name]; !ok {
			t.Errorf("no enum %s in the header", name)
		}
	}
}

// Every option can be set through a named field of Options (Extra is for
// a library newer than the package).
func TestOptionsHasAFieldForEveryOption(t *testing.T) {
	var o Options
	v := reflect.ValueOf(&o).Elem()
	for i := 0; i < v.NumField(); i++ {
		f := v.Field(i)
		switch {
		case v.Type().Field(i).Name == "Extra":
		case f.Kind() == reflect.Bool:
			f.SetBool(true)
		case f.CanInt():
			f.SetInt(1)
		case f.Type() == reflect.TypeOf((*color.Color)(nil)).Elem():
			f.Set(reflect.ValueOf(color.Black))
		default:
			t.Fatalf("field %s of type %s: teach this test to set it", v.Type().Field(i).Name, f.Type())
		}
	}
	set := map[int64]bool{}
	for _, kv := range o.settings() {
		set[kv[0]] = true
	}
	for name, number := range headerEnums(t)["thumb_option"] {
		if !set[int64(number)] {
			t.Errorf("no field of Options sets %s", name)
		}
	}
}

// The header's functions this package deliberately leaves out: Go
// manages memory itself, and io.Reader/io.Writer stand in for the C
// callbacks (WriteThumbnail).
var unboundFunctions = map[string]bool{
	"thumb_ctx_new_with_allocator": true,
	"thumb_run_io":                 true,
}

var headerFunction = regexp.MustCompile(`(?m)^THUMB_API [^;]*?\b(thumb_\w+)\(`)

// Every function of the header is called by the package, so a function
// added to the library cannot go without its binding unnoticed.
func TestEveryHeaderFunctionIsBound(t *testing.T) {
	header, err := os.ReadFile(headerPath)
	if err != nil {
		t.Fatal(err)
	}
	sources, err := filepath.Glob("*.go")
	if err != nil {
		t.Fatal(err)
	}
	var code strings.Builder
	for _, name := range sources {
		if strings.HasSuffix(name, "_test.go") {
			continue
		}
		src, err := os.ReadFile(name)
		if err != nil {
			t.Fatal(err)
		}
		code.Write(src)
	}
	functions := headerFunction.FindAllStringSubmatch(string(header), -1)
	if len(functions) < 20 {
		t.Fatalf("read %d functions from the header", len(functions))
	}
	for _, m := range functions {
		called := strings.Contains(code.String(), "C."+m[1]+"(")
		if !called && !unboundFunctions[m[1]] {
			t.Errorf("%s of the header has no binding: call it (or add it to unboundFunctions, saying why)", m[1])
		} else if called && unboundFunctions[m[1]] {
			t.Errorf("%s is bound: take it out of unboundFunctions", m[1])
		}
	}
}
