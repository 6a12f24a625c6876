package thumbnail

import (
	"bytes"
	"errors"
	"image"
	"image/color"
	_ "image/jpeg" // independent decoders for the outputs
	_ "image/png"
	"io"
	"math"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

const (
	landscape = "orientation/Landscape_1.jpg" // 1800x1200, orientation 1
	sideways  = "orientation/Landscape_6.jpg" // stored 1200x1800, orientation 6
	alphaPNG  = "png/pngsuite/basn6a08.png"   // 32x32 RGBA
	bigJPEG   = "jpeg/2569067123_aca715a2ee_o.jpg"
)

// decodedSize reads an output's size with Go's own decoders (JPEG, PNG)
// or, for WebP and AVIF, which the standard library lacks, with Probe.
func decodedSize(t *testing.T, out []byte) (string, int, int) {
	t.Helper()
	if cfg, name, err := image.DecodeConfig(bytes.NewReader(out)); err == nil {
		return name, cfg.Width, cfg.Height
	}
	info, err := Probe(out)
	if err != nil {
		t.Fatalf("output is not an image: %v", err)
	}
	return info.Format.String(), info.Width, info.Height
}

func TestThumbnailFitsInsideAndTurnsUpright(t *testing.T) {
	data := readCorpus(t, sideways)
	for _, f := range []Format{FormatJPEG, FormatPNG, FormatWebP, FormatAVIF} {
		out, err := Thumbnail(data, Options{Width: 256, Height: 256, Format: f})
		if err != nil {
			t.Fatal(err)
		}
		name, w, h := decodedSize(t, out)
		if name != f.String() || w != 256 || h != 171 {
			t.Errorf("%v: got %s %dx%d, want %v 256x171", f, name, w, h, f)
		}
	}
}

func TestFitCoverAndFillGiveTheBox(t *testing.T) {
	data := readCorpus(t, landscape)
	for fit, want := range map[Fit][2]int{FitInside: {100, 67}, FitCover: {100, 100}, FitFill: {100, 100}} {
		out, err := Thumbnail(data, Options{Width: 100, Height: 100, Fit: fit, Format: FormatPNG})
		if err != nil {
			t.Fatal(err)
		}
		if _, w, h := decodedSize(t, out); w != want[0] || h != want[1] {
			t.Errorf("%v: %dx%d, want %dx%d", fit, w, h, want[0], want[1])
		}
	}
}

func TestOneAxisAndNoEnlarging(t *testing.T) {
	data := readCorpus(t, landscape)
	out, err := Thumbnail(data, Options{Height: 60, Format: FormatPNG})
	if err != nil {
		t.Fatal(err)
	}
	if _, w, h := decodedSize(t, out); w != 90 || h != 60 {
		t.Errorf("height 60: %dx%d", w, h)
	}
	small := readCorpus(t, alphaPNG)
	for enlarge, want := range map[bool]int{false: 32, true: 64} {
		out, err := Thumbnail(small, Options{Width: 64, Height: 64, Enlarge: enlarge})
		if err != nil {
			t.Fatal(err)
		}
		if _, w, _ := decodedSize(t, out); w != want {
			t.Errorf("enlarge %v: width %d, want %d", enlarge, w, want)
		}
	}
}

func TestOptionsReachTheLibrary(t *testing.T) {
	c, err := NewContext()
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	opts := Options{
		Width: 320, Height: 240, Fit: FitCover, Enlarge: true, Format: FormatWebP,
		Quality: 90, JPEGProgressive: true, JPEGSubsampling: Subsampling444,
		PNGCompression: PNGNoCompression, WebPLossless: true,
		Background: color.RGBA{0x10, 0x20, 0x30, 0xff}, NoAutoRotate: true,
		MaxInputBytes: 1 << 20, MaxPixels: 12345678, MaxDimension: 4000,
		Timeout: 1500*time.Millisecond + 1, SIMD: SIMDScalar, Accurate: true,
		Color: ColorKeep, KeepEXIF: true, Crop: CropAttention, NoAnimation: true,
		MaxFrames: 7, MaxAnimationPixels: 1e6, Linear: true, PNG16Bit: true,
		JPEGOptimizeCoding: true,
	}
	want := map[Option]int64{
		OptWidth: 320, OptHeight: 240, OptFit: 1, OptEnlarge: 1, OptFormat: 3,
		OptQuality: 90, OptJPEGProgressive: 1, OptJPEGSubsampling: 1,
		OptPNGCompression: 0, OptWebPLossless: 1, OptBackground: 0x102030,
		OptAutorotate: 0, OptMaxInputBytes: 1 << 20, OptMaxPixels: 12345678,
		OptMaxDimension: 4000, OptTimeoutMS: 1501, OptSIMD: 1, OptAccurate: 1,
		OptColor: 2, OptKeepEXIF: 1, OptCrop: 2, OptAnimation: 0, OptMaxFrames: 7,
		OptMaxAnimationPixels: 1e6, OptLinear: 1, OptPNG16Bit: 1,
		OptJPEGOptimizeCoding: 1,
	}
	check := func(want map[Option]int64) {
		t.Helper()
		for k, v := range want {
			got, err := c.Get(k)
			if err != nil || got != v {
				t.Errorf("option %d = %d (%v), want %d", k, got, err, v)
			}
		}
	}
	if err := c.SetOptions(opts); err != nil {
		t.Fatal(err)
	}
	check(want)
	// The zero Options are the library's defaults, whatever was set before.
	if err := c.SetOptions(Options{PNGCompression: 9}); err != nil {
		t.Fatal(err)
	}
	check(map[Option]int64{
		OptWidth: 0, OptQuality: 80, OptPNGCompression: 9, OptBackground: 0xFFFFFF,
		OptAutorotate: 1, OptMaxPixels: 100000000, OptMaxDimension: 65535,
		OptTimeoutMS: 0, OptCrop: 0, OptAnimation: 1, OptMaxFrames: 1000,
	})
}

func TestCoverCropsWhereAsked(t *testing.T) {
	in := readCorpus(t, landscape)
	outs := map[Crop][]byte{}
	for _, crop := range []Crop{CropCentre, CropEntropy, CropAttention} {
		out, err := Thumbnail(in, Options{Width: 96, Height: 96, Fit: FitCover, Crop: crop, Format: FormatPNG})
		if err != nil {
			t.Fatal(err)
		}
		if _, w, h := decodedSize(t, out); w != 96 || h != 96 {
			t.Errorf("crop %d: %dx%d", crop, w, h)
		}
		outs[crop] = out
	}
	if bytes.Equal(outs[CropCentre], outs[CropAttention]) {
		t.Error("the attention crop kept the centre")
	}
}

func TestFormatNamesAreTheLibrarys(t *testing.T) {
	want := map[Format][3]string{
		FormatAuto: {"auto", "", ""},
		FormatJPEG: {"jpeg", "jpg", "image/jpeg"},
		FormatPNG:  {"png", "png", "image/png"},
		FormatWebP: {"webp", "webp", "image/webp"},
		FormatGIF:  {"gif", "gif", "image/gif"},
	}
	for f, w := range want {
		if got := [3]string{f.String(), f.Extension(), f.MIMEType()}; got != w {
			t.Errorf("format %d: %q, want %q", int(f), got, w)
		}
		if f == FormatAuto {
			continue
		}
		for _, name := range []string{f.String(), f.Extension(), "." + strings.ToUpper(f.Extension()), f.MIMEType()} {
			if got, err := ParseFormat(name); err != nil || got != f {
				t.Errorf("ParseFormat(%q) = %v, %v; want %v", name, got, err, f)
			}
		}
	}
	if f := Format(99); f.String() != "Format(99)" || f.Extension() != "" || f.MIMEType() != "" {
		t.Errorf("an unknown format: %q %q %q", f.String(), f.Extension(), f.MIMEType())
	}
	for _, name := range []string{"jpe", "JFIF", "Image/JPEG"} {
		if f, err := ParseFormat(name); err != nil || f != FormatJPEG {
			t.Errorf("ParseFormat(%q) = %v, %v", name, f, err)
		}
	}
	if f, err := ParseFormat("auto"); err != nil || f != FormatAuto {
		t.Errorf("ParseFormat(auto) = %v, %v", f, err)
	}
	for _, bad := range []string{"tiff", "image/tiff", "", "jpeg\x00png"} {
		if _, err := ParseFormat(bad); !errors.Is(err, ErrInvalidArgument) {
			t.Errorf("ParseFormat(%q): %v", bad, err)
		}
	}
}

// CanWrite is what Options.Format takes; CanRead is what a build reads:
// a build that reads an optional format thumbnails the corpus's sample
// of it, one that does not says it is unsupported.
func TestFormatCanReadAndWrite(t *testing.T) {
	in := readCorpus(t, "png/pngsuite/basn2c08.png")
	var writable []string
	for _, f := range []Format{FormatJPEG, FormatPNG, FormatWebP, FormatGIF, FormatHEIF, FormatAVIF, FormatJXL} {
		_, err := Thumbnail(in, Options{Width: 8, Format: f})
		if f.CanWrite() {
			writable = append(writable, f.String())
			if err != nil {
				t.Errorf("%v: CanWrite, yet %v", f, err)
			}
		} else if !errors.Is(err, ErrInvalidArgument) {
			t.Errorf("%v: not CanWrite, yet Thumbnail gave %v", f, err)
		}
	}
	// AVIF is written where libavif loads, as on the test machines.
	if got := strings.Join(writable, " "); got != "jpeg png webp gif avif" {
		t.Errorf("writable formats: %s", got)
	}
	if FormatAuto.CanRead() || FormatAuto.CanWrite() {
		t.Error("FormatAuto is no format read or written")
	}
	for _, f := range []Format{FormatJPEG, FormatPNG, FormatWebP, FormatGIF} {
		if !f.CanRead() {
			t.Errorf("%v: not CanRead", f)
		}
	}
	samples := map[Format]string{
		FormatHEIF: "heif/RGB_8_chroma444.heif",
		FormatAVIF: "heif/Monochrome.avif",
		FormatJXL:  "jxl/grayscale_jpeg.jxl",
	}
	for f, rel := range samples {
		_, err := Thumbnail(readCorpus(t, rel), Options{Width: 32})
		if f.CanRead() && err != nil {
			t.Errorf("%v: CanRead, yet %s gave %v", f, rel, err)
		} else if !f.CanRead() && !errors.Is(err, ErrUnsupportedFormat) {
			t.Errorf("%v: not CanRead, yet %s gave %v", f, rel, err)
		}
	}
}

func TestGenericKeys(t *testing.T) {
	c, err := NewContext()
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	if err := c.SetOptions(Options{Extra: map[Option]int64{6: 33}}); err != nil {
		t.Fatal(err)
	}
	if v, _ := c.Get(OptQuality); v != 33 {
		t.Errorf("Extra quality: %d", v)
	}
	if err := c.Set(6, 44); err != nil {
		t.Fatal(err)
	}
	if v, _ := c.Get(6); v != 44 {
		t.Errorf("Set quality: %d", v)
	}
	if err := c.Reset(); err != nil {
		t.Fatal(err)
	}
	if v, _ := c.Get(6); v != 80 {
		t.Errorf("after Reset: %d", v)
	}
	if lo, hi, err := OptionBounds(OptQuality); err != nil || lo != 1 || hi != 100 {
		t.Errorf("OptionBounds(quality) = %d, %d, %v", lo, hi, err)
	}
	const unknown = Option(9999)
	err = c.Set(unknown, 1)
	if !errors.Is(err, ErrInvalidArgument) || !strings.Contains(err.Error(), "unknown option key 9999") {
		t.Errorf("Set(unknown): %v", err)
	}
	if _, err := c.Get(unknown); !errors.Is(err, ErrInvalidArgument) {
		t.Errorf("Get(unknown): %v", err)
	}
	if _, _, err := OptionBounds(unknown); !errors.Is(err, ErrInvalidArgument) {
		t.Errorf("OptionBounds(unknown): %v", err)
	}
	if _, err := Thumbnail(nil, Options{Extra: map[Option]int64{unknown: 1}}); !errors.Is(err, ErrInvalidArgument) {
		t.Errorf("Extra unknown: %v", err)
	}
}

func TestProbe(t *testing.T) {
	info, err := Probe(readCorpus(t, sideways))
	if err != nil {
		t.Fatal(err)
	}
	want := Info{Format: FormatJPEG, Width: 1200, Height: 1800, Orientation: 6, Frames: 1, BitDepth: 8}
	if info != want {
		t.Errorf("Probe = %+v, want %+v", info, want)
	}
	if w, h := info.OrientedSize(); w != 1800 || h != 1200 {
		t.Errorf("OrientedSize = %dx%d", w, h)
	}
	info, err = Probe(readCorpus(t, alphaPNG))
	if err != nil || !info.HasAlpha || info.Format != FormatPNG {
		t.Errorf("alpha PNG: %+v %v", info, err)
	}
	info, err = Probe(readCorpus(t, "gif/rotating-squares.gif"))
	if err != nil || info.Format != FormatGIF || info.Frames < 2 {
		t.Errorf("animated GIF: %+v %v", info, err)
	}
	// Limits are not applied: probe says how large a refused image is.
	info, err = Probe(readCorpus(t, "bad/bomb/giant-image.jpg"))
	if err != nil || info.Width != 20000 || info.Height != 14000 {
		t.Errorf("giant: %+v %v", info, err)
	}
}

func TestErrors(t *testing.T) {
	land := readCorpus(t, landscape)
	cases := []struct {
		name     string
		data     []byte
		opts     Options
		sentinel error
		status   Status
		says     string
	}{
		{"empty", nil, Options{}, ErrUnsupportedFormat, StatusUnsupportedFormat, "empty"},
		{"tiff", readCorpus(t, "bad/unsupported/8bit_depth.tiff"), Options{}, ErrUnsupportedFormat, StatusUnsupportedFormat, "format"},
		{"12-bit", readCorpus(t, "jpeg/12-bit.jpg"), Options{}, ErrUnsupportedFeature, StatusUnsupportedFeature, ""},
		{"truncated", readCorpus(t, "bad/jpeg/truncated.jpg"), Options{}, ErrCorrupt, StatusCorrupt, "JPEG"},
		{"cut", land[:5000], Options{}, ErrCorrupt, StatusCorrupt, "JPEG"},
		{"crc", readCorpus(t, "bad/png/pngsuite-x/xcsn0g01.png"), Options{}, ErrCorrupt, StatusCorrupt, "CRC"},
		{"bomb", readCorpus(t, "bad/bomb/giant-image.jpg"), Options{Width: 64}, ErrLimit, StatusLimit, "megapixels"},
		{"bytes", land, Options{MaxInputBytes: 1000}, ErrLimit, StatusLimit, "THUMB_OPT_MAX_INPUT_BYTES"},
		{"pixels", land, Options{MaxPixels: 1800*1200 - 1}, ErrLimit, StatusLimit, ""},
		{"quality", land, Options{Quality: 101}, ErrInvalidArgument, StatusInvalidArgument, "quality"},
		{"width", land, Options{Width: 70000}, ErrInvalidArgument, StatusInvalidArgument, "width"},
		{"deadline", readCorpus(t, "jpeg/Carrie.jpg"), Options{Width: 1000, Extra: map[Option]int64{OptTimeoutMS: 1}}, ErrTimeout, StatusTimeout, ""},
	}
	for _, tc := range cases {
		out, err := Thumbnail(tc.data, tc.opts)
		var e *Error
		if out != nil || !errors.Is(err, tc.sentinel) || !errors.As(err, &e) || e.Status != tc.status {
			t.Errorf("%s: got %v (%T), want %v", tc.name, err, err, tc.sentinel)
			continue
		}
		if !strings.Contains(e.Message, tc.says) || !strings.HasPrefix(err.Error(), "thumbnail: ") {
			t.Errorf("%s: message %q should name %q", tc.name, err, tc.says)
		}
		for _, other := range []error{ErrCorrupt, ErrLimit, ErrNoMem, ErrInternal} {
			if other != tc.sentinel && errors.Is(err, other) {
				t.Errorf("%s: %v also matches %v", tc.name, err, other)
			}
		}
	}
	// An unsupported feature is an unsupported format too.
	_, err := Thumbnail(readCorpus(t, "jpeg/12-bit.jpg"), Options{})
	if !errors.Is(err, ErrUnsupportedFormat) {
		t.Errorf("12-bit JPEG does not match ErrUnsupportedFormat: %v", err)
	}
}

func TestEveryStatusHasItsSentinel(t *testing.T) {
	for st, sentinel := range map[Status]error{
		StatusInvalidArgument: ErrInvalidArgument, StatusUnsupportedFormat: ErrUnsupportedFormat,
		StatusUnsupportedFeature: ErrUnsupportedFeature, StatusCorrupt: ErrCorrupt,
		StatusLimit: ErrLimit, StatusNoMem: ErrNoMem, StatusIO: ErrIO,
		StatusEncode: ErrEncode, StatusInternal: ErrInternal, StatusTimeout: ErrTimeout,
	} {
		var err error = &Error{st, "why"}
		if !errors.Is(err, sentinel) || err.Error() != "thumbnail: why" {
			t.Errorf("status %d: %v does not match %v", st, err, sentinel)
		}
		if st.String() == "" || strings.HasPrefix(st.String(), "unknown") {
			t.Errorf("status %d has no text: %q", st, st.String())
		}
	}
	if err := error(&Error{42, "newer"}); errors.Is(err, ErrInternal) {
		t.Errorf("an unknown status matched a sentinel")
	}
}

func TestEveryGoodCorpusImage(t *testing.T) {
	const box = 64
	c, err := NewContext()
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	files, unsupported := 0, 0
	for _, dir := range goodDirs {
		for _, row := range manifest(t, dir) {
			data := readCorpus(t, row.path)
			out, err := c.Thumbnail(data, Options{Width: box, Height: box, Format: FormatJPEG})
			if errors.Is(err, ErrUnsupportedFeature) && mayBeUnsupported(row.description) {
				unsupported++
				continue
			}
			if err != nil {
				t.Errorf("%s: %v", row.path, err)
				continue
			}
			src, err := c.Probe(data)
			if err != nil {
				t.Fatal(err)
			}
			cfg, name, err := image.DecodeConfig(bytes.NewReader(out))
			if err != nil || name != "jpeg" {
				t.Errorf("%s: output does not decode as JPEG: %v", row.path, err)
				continue
			}
			w, h := src.OrientedSize()
			wantW, wantH, slack := expectedInside(w, h, box)
			if abs(cfg.Width-wantW) > slack || abs(cfg.Height-wantH) > slack || cfg.Width > box || cfg.Height > box {
				t.Errorf("%s: %dx%d from %dx%d, want %dx%d", row.path, cfg.Width, cfg.Height, w, h, wantW, wantH)
			}
			files++
		}
	}
	t.Logf("%d good corpus images, %d unsupported", files, unsupported)
	if files < 400 || unsupported > 4 {
		t.Errorf("%d files, %d unsupported: the MANIFEST read went wrong", files, unsupported)
	}
}

// expectedInside: fit inside without enlarging keeps the limiting side at
// the box exactly; the other side rounds, so it may differ by one.
func expectedInside(w, h, box int) (int, int, int) {
	if w <= box && h <= box {
		return w, h, 0
	}
	s := math.Min(float64(box)/float64(w), float64(box)/float64(h))
	return int(math.Max(1, math.Round(float64(w)*s))), int(math.Max(1, math.Round(float64(h)*s))), 1
}

func abs(v int) int {
	if v < 0 {
		return -v
	}
	return v
}

func TestBadCorpusGivesErrorsNotCrashes(t *testing.T) {
	c, err := NewContext()
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	counts := map[Status]int{}
	rows := manifest(t, "bad/")
	for _, row := range rows {
		_, err := c.Thumbnail(readCorpus(t, row.path), Options{Width: 64, Height: 64})
		var e *Error
		switch {
		case err == nil:
			counts[StatusOK]++
		case errors.As(err, &e) && e.Status != StatusInternal && e.Message != "":
			counts[e.Status]++
		default:
			t.Errorf("%s: %v", row.path, err)
		}
	}
	t.Logf("%d bad files: %v", len(rows), counts)
	if len(rows) < 900 || counts[StatusCorrupt] < len(rows)/2 {
		t.Errorf("%d bad files, %d corrupt: the MANIFEST read went wrong", len(rows), counts[StatusCorrupt])
	}
}

func TestWriteThumbnail(t *testing.T) {
	data := readCorpus(t, landscape)
	opts := Options{Width: 120, Format: FormatPNG}
	want, err := Thumbnail(data, opts)
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	n, err := WriteThumbnail(&buf, bytes.NewReader(data), opts)
	if err != nil || n != int64(len(want)) || !bytes.Equal(buf.Bytes(), want) {
		t.Fatalf("WriteThumbnail: %d bytes, %v", n, err)
	}
	// A failure writes nothing.
	buf.Reset()
	if _, err := WriteThumbnail(&buf, bytes.NewReader(data[:5000]), opts); !errors.Is(err, ErrCorrupt) || buf.Len() != 0 {
		t.Errorf("truncated: %v, %d bytes written", err, buf.Len())
	}
	// An endless reader stops at the input limit.
	_, err = WriteThumbnail(io.Discard, endless{}, Options{MaxInputBytes: 1 << 20})
	if !errors.Is(err, ErrLimit) {
		t.Errorf("endless input: %v", err)
	}
	// Reader and writer errors come back as they are.
	readErr := errors.New("disk on fire")
	if _, err := WriteThumbnail(io.Discard, io.MultiReader(bytes.NewReader(data[:100]), failing{readErr}), opts); err != readErr {
		t.Errorf("read error: %v", err)
	}
	if _, err := WriteThumbnail(failing{readErr}, bytes.NewReader(data), opts); err != readErr {
		t.Errorf("write error: %v", err)
	}
	// A file works like any reader.
	f, err := os.Open(filepath.Join(corpusDir(t), landscape))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	buf.Reset()
	if _, err := WriteThumbnail(&buf, f, opts); err != nil || !bytes.Equal(buf.Bytes(), want) {
		t.Errorf("from a file: %v", err)
	}
}

type endless struct{}

func (endless) Read(p []byte) (int, error) {
	for i := range p {
		p[i] = 0xFF
	}
	return len(p), nil
}

type failing struct{ err error }

func (f failing) Read([]byte) (int, error)  { return 0, f.err }
func (f failing) Write([]byte) (int, error) { return 0, f.err }

func TestContextReuseAndStats(t *testing.T) {
	c, err := NewContext()
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	if _, ok := c.Stat(InfoOutputWidth); ok {
		t.Errorf("output stats before any run")
	}
	first, err := c.Thumbnail(readCorpus(t, landscape), Options{Width: 200, Format: FormatWebP})
	if err != nil {
		t.Fatal(err)
	}
	keep := append([]byte(nil), first...)
	if w, _ := c.Stat(InfoOutputWidth); w != 200 {
		t.Errorf("output width %d", w)
	}
	if n, _ := c.Stat(InfoOutputBytes); n != int64(len(first)) {
		t.Errorf("output bytes %d, got %d", n, len(first))
	}
	// JPEG shrink-on-load decoded fewer pixels than the input has.
	if w, _ := c.Stat(InfoDecodedWidth); w >= 1800 || w < 200 {
		t.Errorf("decoded width %d", w)
	}
	if _, ok := c.Stat(9999); ok {
		t.Errorf("unknown key has a value")
	}
	// Options set by Set persist for Run; the earlier result is a copy.
	if err := c.Set(OptWidth, 50); err != nil {
		t.Fatal(err)
	}
	for i := 0; i < 3; i++ {
		if _, err := c.Run(readCorpus(t, alphaPNG)); err != nil {
			t.Fatal(err)
		}
	}
	if w, _ := c.Stat(InfoOutputWidth); w != 32 {
		t.Errorf("Run output width %d, want 32 (never enlarged)", w)
	}
	if !bytes.Equal(first, keep) {
		t.Errorf("an earlier result changed after later runs")
	}
}

func TestClose(t *testing.T) {
	c, err := NewContext()
	if err != nil {
		t.Fatal(err)
	}
	if err := c.Close(); err != nil {
		t.Fatal(err)
	}
	if err := c.Close(); err != nil {
		t.Fatal(err)
	}
	if _, err := c.Thumbnail(nil, Options{}); err != ErrClosed {
		t.Errorf("Thumbnail after Close: %v", err)
	}
	if _, err := c.Probe(nil); err != ErrClosed {
		t.Errorf("Probe after Close: %v", err)
	}
	if err := c.Set(OptWidth, 1); err != ErrClosed {
		t.Errorf("Set after Close: %v", err)
	}
}

func TestConcurrentUse(t *testing.T) {
	// Separate contexts in parallel, the package functions (a pool), and
	// one context shared by several goroutines: every result equals the
	// one made alone. Run with -race.
	inputs := [][]byte{readCorpus(t, landscape), readCorpus(t, alphaPNG), readCorpus(t, "webp/extended-lossy.webp")}
	opts := Options{Width: 96, Height: 96, Format: FormatWebP}
	want := make([][]byte, len(inputs))
	for i, in := range inputs {
		var err error
		if want[i], err = Thumbnail(in, opts); err != nil {
			t.Fatal(err)
		}
	}
	shared, err := NewContext()
	if err != nil {
		t.Fatal(err)
	}
	defer shared.Close()
	const goroutines, rounds = 6, 2
	var wg sync.WaitGroup
	errs := make(chan error, goroutines*rounds*len(inputs))
	for g := 0; g < goroutines; g++ {
		wg.Add(1)
		go func(g int) {
			defer wg.Done()
			own, err := NewContext()
			if err != nil {
				errs <- err
				return
			}
			defer own.Close()
			for r := 0; r < rounds; r++ {
				for i, in := range inputs {
					var out []byte
					var err error
					switch g % 3 {
					case 0:
						out, err = own.Thumbnail(in, opts)
					case 1:
						out, err = Thumbnail(in, opts)
					default:
						out, err = shared.Thumbnail(in, opts)
					}
					if err != nil {
						errs <- err
					} else if !bytes.Equal(out, want[i]) {
						errs <- errors.New("a concurrent result differs from the sequential one")
					}
				}
			}
		}(g)
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
}

func TestVersion(t *testing.T) {
	if v := Version(); !strings.HasPrefix(v, strconv.Itoa(abiMajor)+".") {
		t.Errorf("Version() = %q, want %d.x", v, abiMajor)
	}
}
