package thumbnail

import (
	"image/color"
	"sort"
	"strconv"
)

// Format is an image format (thumb_format).
type Format int

// Formats. As output, FormatAuto means the input's format, GIF included;
// animated GIF and WebP stay animated in GIF and WebP output.
const (
	FormatAuto Format = 0
	FormatJPEG Format = 1
	FormatPNG  Format = 2
	FormatWebP Format = 3
	FormatGIF  Format = 4
)

func (f Format) String() string {
	switch f {
	case FormatAuto:
		return "auto"
	case FormatJPEG:
		return "jpeg"
	case FormatPNG:
		return "png"
	case FormatWebP:
		return "webp"
	case FormatGIF:
		return "gif"
	}
	return "Format(" + strconv.Itoa(int(f)) + ")"
}

// Fit says how the image fills the Width x Height box (thumb_fit).
type Fit int

const (
	// FitInside gives the largest size within the box, aspect ratio kept.
	FitInside Fit = 0
	// FitCover fills the box, aspect ratio kept, the overflow cropped
	// equally from both sides.
	FitCover Fit = 1
	// FitFill gives exactly the box, aspect ratio ignored.
	FitFill Fit = 2
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
	Subsampling420 Subsampling = 0 // smallest files, as cameras do
	Subsampling444 Subsampling = 1 // full chroma: sharper coloured edges
)

// Option is a library option key (thumb_option). Options names the ones
// this package knows; Context.Set, Context.Get and Options.Extra take any
// key, so options added to the library later need no new binding.
type Option int

// Option keys.
const (
	OptWidth           Option = 1
	OptHeight          Option = 2
	OptFit             Option = 3
	OptEnlarge         Option = 4
	OptFormat          Option = 5
	OptQuality         Option = 6
	OptJPEGProgressive Option = 7
	OptJPEGSubsampling Option = 8
	OptPNGCompression  Option = 9
	OptWebPLossless    Option = 10
	OptBackground      Option = 11
	OptAutorotate      Option = 12
	OptMaxInputBytes   Option = 13
	OptMaxPixels       Option = 14
	OptMaxDimension    Option = 15
	// OptTimeoutMS bounds the time of one run in milliseconds (0: none);
	// past it a run fails with ErrTimeout.
	OptTimeoutMS Option = 16
)

// InfoKey is a library information key (thumb_info) for Context.Stat.
type InfoKey int

// Information keys: the input's header (after Probe or a run), the output
// and the per-stage timings in microseconds (after a successful run).
const (
	InfoFormat        InfoKey = 1
	InfoWidth         InfoKey = 2
	InfoHeight        InfoKey = 3
	InfoOrientation   InfoKey = 4
	InfoFrames        InfoKey = 5
	InfoHasAlpha      InfoKey = 6
	InfoBitDepth      InfoKey = 7
	InfoInputBytes    InfoKey = 8
	InfoOutputFormat  InfoKey = 9
	InfoOutputWidth   InfoKey = 10
	InfoOutputHeight  InfoKey = 11
	InfoOutputBytes   InfoKey = 12
	InfoDecodeUS      InfoKey = 13
	InfoResizeUS      InfoKey = 14
	InfoEncodeUS      InfoKey = 15
	InfoTotalUS       InfoKey = 16
	InfoDecodedWidth  InfoKey = 17
	InfoDecodedHeight InfoKey = 18
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
	// Extra sets options by key after the named fields, for keys this
	// package has no field for.
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
