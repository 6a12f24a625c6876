package thumbnail

import (
	"bufio"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// corpusDir is the shared test-image corpus: $THUMB_CORPUS_DIR, else
// ../shared/corpus beside the repository. A missing corpus fails the test.
func corpusDir(tb testing.TB) string {
	tb.Helper()
	dir := os.Getenv("THUMB_CORPUS_DIR")
	if dir == "" {
		dir = filepath.Join("..", "..", "..", "shared", "corpus")
	}
	if _, err := os.Stat(filepath.Join(dir, "MANIFEST.tsv")); err != nil {
		tb.Fatalf("image corpus not found (set THUMB_CORPUS_DIR): %v", err)
	}
	return dir
}

func readCorpus(tb testing.TB, rel string) []byte {
	tb.Helper()
	data, err := os.ReadFile(filepath.Join(corpusDir(tb), rel))
	if err != nil {
		tb.Fatal(err)
	}
	return data
}

type manifestRow struct{ path, description string }

// manifest lists the MANIFEST.tsv rows whose path starts with prefix.
func manifest(tb testing.TB, prefix string) []manifestRow {
	tb.Helper()
	f, err := os.Open(filepath.Join(corpusDir(tb), "MANIFEST.tsv"))
	if err != nil {
		tb.Fatal(err)
	}
	defer f.Close()
	var rows []manifestRow
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 1<<16), 1<<20)
	for first := true; sc.Scan(); first = false {
		cols := strings.Split(sc.Text(), "\t")
		if first || len(cols) < 5 || !strings.HasPrefix(cols[0], prefix) {
			continue
		}
		rows = append(rows, manifestRow{cols[0], cols[4]})
	}
	if err := sc.Err(); err != nil {
		tb.Fatal(err)
	}
	return rows
}

// goodDirs hold images every decoder should read.
var goodDirs = []string{"jpeg/", "png/", "webp/", "gif/", "orientation/"}

// mayBeUnsupported: JPEG flavours libjpeg-turbo 2.1 cannot decode (12-bit,
// lossless), for which a clean "unsupported feature" error is right.
func mayBeUnsupported(description string) bool {
	return strings.HasPrefix(description, "JPEG ") &&
		(strings.Contains(description, ", 12-bit,") || strings.Contains(description, ", lossless,"))
}
