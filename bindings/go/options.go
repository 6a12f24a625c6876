package thumbnail

// #include <stdlib.h>
// #include <thumbnail.h>
import "C"

import (
	"image/color"
	"sort"
	"strconv"
	"strings"
	"time"
	"unsafe"
)

// Every enum value of thumbnail.h has its name here, its number taken
// from the header by cgo; header_test.go parses the header and fails when
// one is missing.

// Format is an image format (thumb_format). Its names, extensions and
// MIME types are the library's: String, Extension, MIMEType, ParseFormat.
type Format int

// Formats. As output, FormatAuto means the input's format, GIF and AVIF
// included; animated GIF and WebP stay animated in GIF and WebP output.
// HEIF and JPEG XL are input only: FormatAuto gives JPEG for them, or PNG
// when the image has alpha. AVIF is written when the library is built
// with libavif.
const (
	FormatAuto Format = C.THUMB_FORMAT_AUTO
	FormatJPEG Format = C.THUMB_FORMAT_JPEG
	FormatPNG  Format = C.THUMB_FORMAT_PNG
	FormatWebP Format = C.THUMB_FORMAT_WEBP
	FormatGIF  Format = C.THUMB_FORMAT_GIF
	FormatHEIF Format = C.THUMB_FORMAT_HEIF
	FormatAVIF Format = C.THUMB_FORMAT_AVIF
	FormatJXL  Format = C.THUMB_FORMAT_JXL
)

// String is the library's name of the format: "jpeg", "png", "webp",
// "gif" or "auto".
func (f Format) String() string {
	if name := C.GoString(C.thumb_format_name(C.thumb_format(f))); name != "unknown" {
		return name
	}
	return "Format(" + strconv.Itoa(int(f)) + ")"
}

// Extension is the format's usual file extension without the dot ("jpg",
// "png", "webp", "gif"); "" for FormatAuto.
func (f Format) Extension() string {
	return goStringOrEmpty(C.thumb_format_extension(C.thumb_format(f)))
}

// MIMEType is the format's MIME type ("image/jpeg"); "" for FormatAuto.
func (f Format) MIMEType() string {
	return goStringOrEmpty(C.thumb_format_mime_type(C.thumb_format(f)))
}

// CanRead reports whether this build of the library reads the format:
// HEIF, AVIF and JPEG XL can be left out when it is configured. False for
// FormatAuto.
func (f Format) CanRead() bool {
	return C.thumb_format_can_read(C.thumb_format(f)) != 0
}

// CanWrite reports whether this build of the library writes the format,
// so Options.Format takes it: JPEG, PNG, WebP and GIF. False for
// FormatAuto.
func (f Format) CanWrite() bool {
	return C.thumb_format_can_write(C.thumb_format(f)) != 0
}

func goStringOrEmpty(s *C.char) string {
	if s == nil {
		return ""
	}
	return C.GoString(s)
}

// ParseFormat is the format a name stands for, in any case: a format name
// ("jpeg"), a file extension with or without its dot ("jpg", ".JPE") or a
// MIME type ("image/webp"); "auto" gives FormatAuto. Another name gives an
// error matching ErrInvalidArgument.
func ParseFormat(name string) (Format, error) {
	invalid := &Error{StatusInvalidArgument,
		strconv.Quote(name) + " is not an image format name, extension or MIME type"}
	// A NUL would end the C string early: "jpeg\x00x" is no name.
	if strings.IndexByte(name, 0) >= 0 {
		return FormatAuto, invalid
	}
	cname := C.CString(name)
	defer C.free(unsafe.Pointer(cname))
	var f C.thumb_format
	if C.thumb_format_from_name(cname, &f) != C.THUMB_OK {
		return FormatAuto, invalid
	}
	return Format(f), nil
}

// Fit says how the image fills the Width x Height box (thumb_fit).
type Fit int

const (
	// FitInside gives the largest size within the box, aspect ratio kept.
	FitInside Fit = C.THUMB_FIT_INSIDE
	// FitCover fills the box, aspect ratio kept, the overflow cropped
	// where Options.Crop says (equally from both sides by default).
	FitCover Fit = C.THUMB_FIT_COVER
	// FitFill gives exactly the box, aspect ratio ignored.
	FitFill Fit = C.THUMB_FIT_FILL
)

func (f Fit) String() string {
	switch f {
	case FitInside:
		return "inside"
	case FitCover:
		return "cover"
	case FitFill:
		return "fill"
	}
	return "Fit(" + strconv.Itoa(int(f)) + ")"
}

// Subsampling is the JPEG chroma subsampling (thumb_subsampling).
type Subsampling int

const (
	Subsampling420 Subsampling = C.THUMB_SUBSAMPLING_420 // smallest files, as cameras do
	Subsampling444 Subsampling = C.THUMB_SUBSAMPLING_444 // full chroma: sharper coloured edges
)

// Color says what happens to an embedded ICC profile (thumb_color).
type Color int

const (
	// ColorSRGB converts to sRGB and writes the output untagged.
	ColorSRGB Color = C.THUMB_COLOR_SRGB
	// ColorSRGBTagged converts to sRGB and embeds a compact sRGB profile.
	ColorSRGBTagged Color = C.THUMB_COLOR_SRGB_TAGGED
	// ColorKeep embeds the input's profile unconverted where the output
	// can hold it.
	ColorKeep Color = C.THUMB_COLOR_KEEP
)

// Crop chooses the window FitCover keeps (thumb_crop), as libvips's
// smartcrop does.
type Crop int

const (
	// CropCentre keeps the middle of the overflowing axis.
	CropCentre Crop = C.THUMB_CROP_CENTRE
	// CropEntropy keeps the busiest region.
	CropEntropy Crop = C.THUMB_CROP_ENTROPY
	// CropAttention keeps edges, skin tones and saturated colour.
	CropAttention Crop = C.THUMB_CROP_ATTENTION
)

// SIMD is an instruction set of the resize kernels (thumb_simd). Every
// set gives the same pixels within 1 LSB; forcing one the CPU lacks fails
// with ErrUnsupportedFeature.
type SIMD int

const (
	SIMDAuto   SIMD = C.THUMB_SIMD_AUTO // the fastest this CPU has
	SIMDScalar SIMD = C.THUMB_SIMD_SCALAR
	SIMDSSE41  SIMD = C.THUMB_SIMD_SSE41  // x86-64
	SIMDAVX2   SIMD = C.THUMB_SIMD_AVX2   // x86-64
	SIMDAVX512 SIMD = C.THUMB_SIMD_AVX512 // x86-64 AVX-512BW
	SIMDNEON   SIMD = C.THUMB_SIMD_NEON   // aarch64
)

// Option is a library option key (thumb_option). Every key of the library
// is named here; Context.Set, Context.Get and Options.Extra take any key,
// so a library newer than this package works too.
type Option int

// Option keys; thumbnail.h says what each does.
const (
	OptWidth              Option = C.THUMB_OPT_WIDTH
	OptHeight             Option = C.THUMB_OPT_HEIGHT
	OptFit                Option = C.THUMB_OPT_FIT
	OptEnlarge            Option = C.THUMB_OPT_ENLARGE
	OptFormat             Option = C.THUMB_OPT_FORMAT
	OptQuality            Option = C.THUMB_OPT_QUALITY
	OptJPEGProgressive    Option = C.THUMB_OPT_JPEG_PROGRESSIVE
	OptJPEGSubsampling    Option = C.THUMB_OPT_JPEG_SUBSAMPLING
	OptPNGCompression     Option = C.THUMB_OPT_PNG_COMPRESSION
	OptWebPLossless       Option = C.THUMB_OPT_WEBP_LOSSLESS
	OptBackground         Option = C.THUMB_OPT_BACKGROUND
	OptAutorotate         Option = C.THUMB_OPT_AUTOROTATE
	OptMaxInputBytes      Option = C.THUMB_OPT_MAX_INPUT_BYTES
	OptMaxPixels          Option = C.THUMB_OPT_MAX_PIXELS
	OptMaxDimension       Option = C.THUMB_OPT_MAX_DIMENSION
	OptTimeoutMS          Option = C.THUMB_OPT_TIMEOUT_MS
	OptSIMD               Option = C.THUMB_OPT_SIMD
	OptAccurate           Option = C.THUMB_OPT_ACCURATE
	OptColor              Option = C.THUMB_OPT_COLOR
	OptKeepEXIF           Option = C.THUMB_OPT_KEEP_EXIF
	OptCrop               Option = C.THUMB_OPT_CROP
	OptAnimation          Option = C.THUMB_OPT_ANIMATION
	OptMaxFrames          Option = C.THUMB_OPT_MAX_FRAMES
	OptMaxAnimationPixels Option = C.THUMB_OPT_MAX_ANIMATION_PIXELS
	OptLinear             Option = C.THUMB_OPT_LINEAR
	OptPNG16Bit           Option = C.THUMB_OPT_PNG_16BIT
	OptJPEGOptimizeCoding Option = C.THUMB_OPT_JPEG_OPTIMIZE_CODING
)

// InfoKey is a library information key (thumb_info) for Context.Stat.
type InfoKey int

// Information keys: the input's header (after Probe or a run), the output
// and the per-stage timings in microseconds (after a successful run).
const (
	InfoFormat        InfoKey = C.THUMB_INFO_FORMAT
	InfoWidth         InfoKey = C.THUMB_INFO_WIDTH
	InfoHeight        InfoKey = C.THUMB_INFO_HEIGHT
	InfoOrientation   InfoKey = C.THUMB_INFO_ORIENTATION
	InfoFrames        InfoKey = C.THUMB_INFO_FRAMES
	InfoHasAlpha      InfoKey = C.THUMB_INFO_HAS_ALPHA
	InfoBitDepth      InfoKey = C.THUMB_INFO_BIT_DEPTH
	InfoInputBytes    InfoKey = C.THUMB_INFO_INPUT_BYTES
	InfoOutputFormat  InfoKey = C.THUMB_INFO_OUTPUT_FORMAT
	InfoOutputWidth   InfoKey = C.THUMB_INFO_OUTPUT_WIDTH
	InfoOutputHeight  InfoKey = C.THUMB_INFO_OUTPUT_HEIGHT
	InfoOutputBytes   InfoKey = C.THUMB_INFO_OUTPUT_BYTES
	InfoDecodeUS      InfoKey = C.THUMB_INFO_DECODE_US
	InfoResizeUS      InfoKey = C.THUMB_INFO_RESIZE_US
	InfoEncodeUS      InfoKey = C.THUMB_INFO_ENCODE_US
	InfoTotalUS       InfoKey = C.THUMB_INFO_TOTAL_US
	InfoDecodedWidth  InfoKey = C.THUMB_INFO_DECODED_WIDTH
	InfoDecodedHeight InfoKey = C.THUMB_INFO_DECODED_HEIGHT
)

// PNGNoCompression asks for level 0 (stored, uncompressed) in
// Options.PNGCompression, whose zero value means the library's default (as
// in image/png).
const PNGNoCompression = -1

// Options describe a thumbnail. The zero value is the library's defaults:
// the image keeps its size, fits inside, keeps its format, is rotated
// upright, and is limited to 256 MiB, 100 megapixels and 65535 pixels a
// side.
type Options struct {
	// Width and Height are the box in pixels. 0 leaves an axis free; both
	// 0 keep the image's size.
	Width, Height int
	Fit           Fit
	// Enlarge allows output larger than the input.
	Enlarge bool
	Format  Format
	// Quality of JPEG and lossy WebP, 1..100; 0 means the default (80).
	Quality         int
	JPEGProgressive bool
	JPEGSubsampling Subsampling
	// PNGCompression is the effort 1..9 (1..6: fast run-length deflate,
	// all alike; 7..9: zlib's full search), 0 for the default (6), or
	// PNGNoCompression.
	PNGCompression int
	WebPLossless   bool
	// Background is the colour transparent pixels are flattened onto when
	// the output format has no alpha; nil means white. Its alpha is
	// ignored.
	Background color.Color
	// NoAutoRotate keeps the pixels as stored, ignoring EXIF orientation.
	NoAutoRotate bool
	// Limits, checked from the header before pixel memory is allocated;
	// 0 means the library's default.
	MaxInputBytes int64
	MaxPixels     int64
	MaxDimension  int
	// Timeout is the deadline of one run, from the start of decoding, in
	// whole milliseconds (rounded up); past it the run fails with
	// ErrTimeout. 0: none.
	Timeout time.Duration
	// SIMD forces an instruction set for the resize kernels; SIMDAuto
	// (the zero value) takes the fastest, or what $THUMB_SIMD says.
	SIMD SIMD
	// Accurate decodes at full size instead of shrinking on load, for the
	// exact Lanczos3 of the whole image.
	Accurate bool
	// Color is what happens to an embedded ICC profile; ColorSRGB (the
	// zero value) converts to sRGB, untagged.
	Color Color
	// KeepEXIF keeps the input's EXIF block (its orientation reset to 1).
	KeepEXIF bool
	// Crop is the window FitCover keeps; CropCentre by default.
	Crop Crop
	// NoAnimation gives the first frame only of an animated GIF or WebP,
	// which otherwise stays animated in GIF and WebP output.
	NoAnimation bool
	// Limits on an animation kept animated: its frames, and its canvas
	// pixels over all frames; 0 means the library's default.
	MaxFrames          int
	MaxAnimationPixels int64
	// Linear resizes in linear light (slower; fine detail keeps its
	// brightness).
	Linear bool
	// PNG16Bit keeps 16 bits per sample when a 16-bit PNG becomes PNG.
	PNG16Bit bool
	// JPEGOptimizeCoding writes Huffman tables made for the image: 1-3%
	// smaller JPEGs, about 10% slower.
	JPEGOptimizeCoding bool
	// Extra sets options by key after the named fields, for keys of a
	// library newer than this package.
	Extra map[Option]int64
}

// settings lists the options as (key, value) pairs, defaults left out.
func (o *Options) settings() [][2]int64 {
	var s [][2]int64
	add := func(key Option, v int64) { s = append(s, [2]int64{int64(key), v}) }
	if o.Width != 0 {
		add(OptWidth, int64(o.Width))
	}
	if o.Height != 0 {
		add(OptHeight, int64(o.Height))
	}
	if o.Fit != FitInside {
		add(OptFit, int64(o.Fit))
	}
	if o.Enlarge {
		add(OptEnlarge, 1)
	}
	if o.Format != FormatAuto {
		add(OptFormat, int64(o.Format))
	}
	if o.Quality != 0 {
		add(OptQuality, int64(o.Quality))
	}
	if o.JPEGProgressive {
		add(OptJPEGProgressive, 1)
	}
	if o.JPEGSubsampling != Subsampling420 {
		add(OptJPEGSubsampling, int64(o.JPEGSubsampling))
	}
	switch {
	case o.PNGCompression == PNGNoCompression:
		add(OptPNGCompression, 0)
	case o.PNGCompression != 0:
		add(OptPNGCompression, int64(o.PNGCompression))
	}
	if o.WebPLossless {
		add(OptWebPLossless, 1)
	}
	if o.Background != nil {
		c := color.NRGBAModel.Convert(o.Background).(color.NRGBA)
		add(OptBackground, int64(c.R)<<16|int64(c.G)<<8|int64(c.B))
	}
	if o.NoAutoRotate {
		add(OptAutorotate, 0)
	}
	if o.MaxInputBytes != 0 {
		add(OptMaxInputBytes, o.MaxInputBytes)
	}
	if o.MaxPixels != 0 {
		add(OptMaxPixels, o.MaxPixels)
	}
	if o.MaxDimension != 0 {
		add(OptMaxDimension, int64(o.MaxDimension))
	}
	if o.Timeout > 0 {
		add(OptTimeoutMS, int64((o.Timeout+time.Millisecond-1)/time.Millisecond))
	}
	if o.SIMD != SIMDAuto {
		add(OptSIMD, int64(o.SIMD))
	}
	if o.Accurate {
		add(OptAccurate, 1)
	}
	if o.Color != ColorSRGB {
		add(OptColor, int64(o.Color))
	}
	if o.KeepEXIF {
		add(OptKeepEXIF, 1)
	}
	if o.Crop != CropCentre {
		add(OptCrop, int64(o.Crop))
	}
	if o.NoAnimation {
		add(OptAnimation, 0)
	}
	if o.MaxFrames != 0 {
		add(OptMaxFrames, int64(o.MaxFrames))
	}
	if o.MaxAnimationPixels != 0 {
		add(OptMaxAnimationPixels, o.MaxAnimationPixels)
	}
	if o.Linear {
		add(OptLinear, 1)
	}
	if o.PNG16Bit {
		add(OptPNG16Bit, 1)
	}
	if o.JPEGOptimizeCoding {
		add(OptJPEGOptimizeCoding, 1)
	}
	keys := make([]Option, 0, len(o.Extra))
	for k := range o.Extra {
		keys = append(keys, k)
	}
	sort.Slice(keys, func(i, j int) bool { return keys[i] < keys[j] })
	for _, k := range keys {
		add(k, o.Extra[k])
	}
	return s
}

// Info is what Probe reads from an image's header.
type Info struct {
	Format      Format
	Width       int // as stored, before orientation
	Height      int
	Orientation int // EXIF 1..8; 1 when absent or invalid
	Frames      int // 1 for still images
	HasAlpha    bool
	BitDepth    int // bits per sample as stored, 1..16
}

// firstTransposingOrientation: EXIF orientations 5..8 swap the axes.
const firstTransposingOrientation = 5

// OrientedSize is the width and height once the EXIF orientation is
// applied.
func (i Info) OrientedSize() (width, height int) {
	if i.Orientation >= firstTransposingOrientation {
		return i.Height, i.Width
	}
	return i.Width, i.Height
}
