package thumbnail

import (
	"bytes"
	"errors"
	"os"
	"regexp"
	"strings"
	"sync"
	"testing"
)

const (
	manyPhoto     = "jpeg/testorig.jpg" // 227x149
	manyTruncated = "bad/jpeg/truncated.jpg"
	// WebP's limit is 16383 pixels a side; PNG has none.
	overWebPLimit = 20000
)

// Two boxes 4x apart: the smaller one's own run would decode at a coarser
// JPEG scale than the shared decode, so both cases (same scale: identical
// bytes; finer: same size, more pixels) occur over the corpus.
var manyBoxes = []int{128, 32}
var manyFormats = []Format{FormatAuto, FormatPNG}

// manyOptions: every box in every format, boxes first.
func manyOptions(fit Fit) []Options {
	var opts []Options
	for _, box := range manyBoxes {
		for _, f := range manyFormats {
			opts = append(opts, Options{Width: box, Height: box, Fit: fit, Format: f})
		}
	}
	return opts
}

// shrinksByTwo: whether a JPEG output shrinks the stored image at least
// 2x each way, which lets a single run resize the JPEG's YCbCr planes
// (src/plan.c, planes_allowed). A shared decode takes the planes only when
// every output does, and otherwise gives the same size by another path.
func shrinksByTwo(in Info, o Output) bool {
	w, h := o.Width, o.Height
	if in.Orientation >= firstTransposingOrientation {
		w, h = h, w
	}
	return 2*w <= in.Width && 2*h <= in.Height
}

// checkLikeSingle compares out with Thumbnail(data, opts) and says how:
// "identical", "finer" (a finer shared decode), "other path" (same decode
// size, JPEG planes taken by one and not the other) or "failed" (both
// failed alike).
func checkLikeSingle(t *testing.T, where string, data []byte, out Output, opts Options, samePath bool) string {
	t.Helper()
	c, err := NewContext()
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	want, err := c.Thumbnail(data, opts)
	if err != nil {
		var e, got *Error
		if !errors.As(err, &e) || !errors.As(out.Err, &got) || *e != *got {
			t.Errorf("%s: single run failed with %v, ThumbnailMany's output with %v", where, err, out.Err)
		}
		return "failed"
	}
	if out.Err != nil {
		t.Errorf("%s: %v where the single run succeeded", where, out.Err)
		return "failed"
	}
	stat := func(k InfoKey) int { v, _ := c.Stat(k); return int(v) }
	if out.Format != Format(stat(InfoOutputFormat)) || out.Width != stat(InfoOutputWidth) || out.Height != stat(InfoOutputHeight) {
		t.Errorf("%s: %v %dx%d, single run %v %dx%d", where, out.Format, out.Width, out.Height,
			Format(stat(InfoOutputFormat)), stat(InfoOutputWidth), stat(InfoOutputHeight))
	}
	dw, dh := stat(InfoDecodedWidth), stat(InfoDecodedHeight)
	if out.DecodedWidth == dw && out.DecodedHeight == dh {
		if !samePath {
			return "other path"
		}
		if !bytes.Equal(out.Data, want) {
			t.Errorf("%s: output differs from the single run's at the same decode size %dx%d", where, dw, dh)
		}
		return "identical"
	}
	if out.DecodedWidth < dw || out.DecodedHeight < dh {
		t.Errorf("%s: shared decode %dx%d coarser than the single run's %dx%d", where, out.DecodedWidth, out.DecodedHeight, dw, dh)
	}
	return "finer"
}

// ThumbnailMany takes pooled contexts, so each image also runs on what
// the images before it left in them (kept plans and buffers).
func TestThumbnailManyMatchesSingleRunsOverTheCorpus(t *testing.T) {
	counts := map[string]int{}
	files := 0
	fits := []Fit{FitInside, FitCover, FitFill}
	for _, dir := range goodDirs {
		for _, row := range manifest(t, dir) {
			data := readCorpus(t, row.path)
			in, err := Probe(data)
			jpeg := err != nil || in.Format == FormatJPEG
			// JPEG outputs of one run all take the planes or none do: fit
			// inside keeps each one's shrink readable from its size.
			fit := FitInside
			if !jpeg {
				fit = fits[files%len(fits)]
			}
			opts := manyOptions(fit)
			outs, err := ThumbnailMany(data, opts...)
			if err != nil || len(outs) != len(opts) {
				t.Fatalf("%s: %d outputs, %v", row.path, len(outs), err)
			}
			planes := map[bool]bool{}
			for _, o := range outs {
				planes[shrinksByTwo(in, o)] = true
			}
			samePath := !jpeg || len(planes) == 1
			for i, o := range outs {
				where := row.path + " " + opts[i].Format.String() + " " + opts[i].Fit.String()
				kind := checkLikeSingle(t, where, data, o, opts[i], samePath)
				if kind == "failed" && !(errors.Is(o.Err, ErrUnsupportedFeature) && mayBeUnsupported(row.description)) {
					t.Errorf("%s: %v", where, o.Err)
				}
				counts[kind]++
			}
			files++
		}
	}
	t.Logf("%d images: %v", files, counts)
	if files < 400 || counts["identical"] < 1000 || counts["finer"] == 0 {
		t.Errorf("%d images, %v: too few of each kind to show anything", files, counts)
	}
}

func TestThumbnailManyKeepsTheOrderOfOpts(t *testing.T) {
	data := readCorpus(t, manyPhoto)
	outs, err := ThumbnailMany(data,
		Options{Width: 100, Format: FormatWebP},
		Options{Height: 40, Format: FormatJPEG},
		Options{Width: 50, Height: 50, Fit: FitCover, Format: FormatPNG, PNGCompression: 9},
	)
	if err != nil {
		t.Fatal(err)
	}
	want := []struct {
		f    Format
		w, h int
	}{{FormatWebP, 100, 66}, {FormatJPEG, 61, 40}, {FormatPNG, 50, 50}}
	for i, o := range outs {
		if o.Err != nil || o.Format != want[i].f || o.Width != want[i].w || o.Height != want[i].h {
			t.Errorf("output %d: %v %dx%d (%v), want %v %dx%d", i, o.Format, o.Width, o.Height, o.Err, want[i].f, want[i].w, want[i].h)
		}
		if name, w, h := decodedSize(t, o.Data); name != want[i].f.String() || w != want[i].w || h != want[i].h {
			t.Errorf("output %d decodes as %s %dx%d", i, name, w, h)
		}
	}
}

func TestThumbnailManyFailedOutputLeavesTheOthers(t *testing.T) {
	data := readCorpus(t, manyPhoto)
	wide := Options{Width: overWebPLimit, Height: 10, Fit: FitFill, Enlarge: true, Format: FormatPNG}
	tooWide := wide
	tooWide.Format = FormatWebP
	limited := Options{Width: 64, MaxPixels: 1000}
	outs, err := ThumbnailMany(data, wide, tooWide, limited)
	if err != nil {
		t.Fatal(err)
	}
	if outs[0].Err != nil || outs[0].Width != overWebPLimit {
		t.Fatalf("PNG output: %v, %d wide", outs[0].Err, outs[0].Width)
	}
	if single, err := Thumbnail(data, wide); err != nil || !bytes.Equal(single, outs[0].Data) {
		t.Errorf("PNG output differs from its single run (%v)", err)
	}
	if !errors.Is(outs[1].Err, ErrEncode) || !strings.Contains(outs[1].Err.Error(), "16383") || outs[1].Data != nil {
		t.Errorf("WebP output: %v, %d bytes", outs[1].Err, len(outs[1].Data))
	}
	if !errors.Is(outs[2].Err, ErrLimit) || !strings.Contains(outs[2].Err.Error(), "over the limit of 1000 pixels") {
		t.Errorf("output over its own limit: %v", outs[2].Err)
	}
	// opts[0]'s input limit is everyone's.
	outs, err = ThumbnailMany(data, Options{MaxInputBytes: 100}, Options{Width: 32})
	if err != nil {
		t.Fatal(err)
	}
	for i, o := range outs {
		if !errors.Is(o.Err, ErrLimit) {
			t.Errorf("output %d under the first's input limit: %v", i, o.Err)
		}
	}
}

func TestThumbnailManyDecodingErrorFailsAllAlike(t *testing.T) {
	data := readCorpus(t, manyTruncated)
	_, want := Thumbnail(data, Options{Width: 64})
	if !errors.Is(want, ErrCorrupt) {
		t.Fatalf("single run: %v", want)
	}
	outs, err := ThumbnailMany(data, manyOptions(FitCover)...)
	if err != nil {
		t.Fatal(err)
	}
	for i, o := range outs {
		if o.Data != nil || o.Err == nil || o.Err.Error() != want.Error() || !errors.Is(o.Err, ErrCorrupt) {
			t.Errorf("output %d: %v, %d bytes; want %v", i, o.Err, len(o.Data), want)
		}
	}
}

func TestThumbnailManyArgumentErrors(t *testing.T) {
	data := readCorpus(t, manyPhoto)
	if outs, err := ThumbnailMany(data); !errors.Is(err, ErrInvalidArgument) || outs != nil {
		t.Errorf("no options: %v, %v", outs, err)
	}
	outs, err := ThumbnailMany(data, Options{Width: 64}, Options{Quality: 500})
	if !errors.Is(err, ErrInvalidArgument) || !strings.Contains(err.Error(), "quality") || outs != nil {
		t.Errorf("quality 500: %v, %v", outs, err)
	}
	// Nothing is left locked or set: the pooled contexts work again.
	if outs, err := ThumbnailMany(data, Options{Width: 64}, Options{Width: 32}); err != nil || outs[1].Err != nil || outs[1].Width != 32 {
		t.Errorf("after a refused call: %v, %v", outs, err)
	}
	outs, err = ThumbnailMany(nil, Options{Width: 64})
	if err != nil || !errors.Is(outs[0].Err, ErrCorrupt) && !errors.Is(outs[0].Err, ErrUnsupportedFormat) {
		t.Errorf("no data: %v, %v", outs, err)
	}
}

func TestThumbnailManyConcurrently(t *testing.T) {
	data := readCorpus(t, manyPhoto)
	opts := manyOptions(FitCover)
	want, err := ThumbnailMany(data, opts...)
	if err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	for g := 0; g < 8; g++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for r := 0; r < 5; r++ {
				outs, err := ThumbnailMany(data, opts...)
				if err != nil {
					t.Error(err)
					return
				}
				for i := range outs {
					if !bytes.Equal(outs[i].Data, want[i].Data) {
						t.Errorf("output %d differs under concurrency", i)
					}
				}
			}
		}()
	}
	wg.Wait()
}

// The README's example of ThumbnailMany is ExampleThumbnailMany's body,
// which go test runs and checks.
func TestReadmeShowsTheThumbnailManyExample(t *testing.T) {
	readme, err := os.ReadFile("README.md")
	if err != nil {
		t.Fatal(err)
	}
	src, err := os.ReadFile("example_test.go")
	if err != nil {
		t.Fatal(err)
	}
	block := regexp.MustCompile("(?s)## Sizes and formats from one decode\n.*?```go\n(.*?)```").FindSubmatch(readme)
	body := regexp.MustCompile("(?s)\nfunc ExampleThumbnailMany\\(\\) \\{\n(.*?)\n\t// Output:").FindSubmatch(src)
	if block == nil || body == nil {
		t.Fatal("README section or ExampleThumbnailMany not found")
	}
	example := strings.ReplaceAll("\n"+string(body[1]), "\n\t", "\n")[1:] + "\n"
	if string(block[1]) != example {
		t.Errorf("README example:\n%s\nExampleThumbnailMany:\n%s", block[1], example)
	}
}
