package thumbnail

/*
#cgo pkg-config: libthumbnail
#include <thumbnail.h>
*/
import "C"

import (
	"io"
	"math"
	"runtime"
	"strconv"
	"sync"
	"unsafe"
)

// abiMajor is the library major version (its SONAME number) this binding
// was built for; thumb_version() is MAJOR*10000 + MINOR*100 + PATCH.
const (
	abiMajor           = C.THUMB_VERSION_MAJOR
	versionMajorFactor = 10000
)

// Version is the version of the library actually loaded, "MAJOR.MINOR.PATCH".
func Version() string {
	return C.GoString(C.thumb_version_string())
}

func (s Status) String() string {
	return C.GoString(C.thumb_strerror(C.thumb_status(s)))
}

// OptionBounds is the valid range of an option key, inclusive.
func OptionBounds(key Option) (min, max int64, err error) {
	var lo, hi C.int64_t
	if st := C.thumb_option_bounds(C.thumb_option(key), &lo, &hi); st != C.THUMB_OK {
		return 0, 0, &Error{Status(st), "unknown option key " + strconv.Itoa(int(key))}
	}
	return int64(lo), int64(hi), nil
}

// Context is a reusable thumbnailing context: options, the last result's
// information and scratch memory kept between runs. Create one with
// NewContext and Close it when done (a finalizer frees a forgotten one).
//
// A Context may be used from several goroutines; its calls then take
// turns. For parallel work give each goroutine its own.
type Context struct {
	mu  sync.Mutex
	ctx *C.thumb_ctx
}

// NewContext makes a context with default options.
func NewContext() (*Context, error) {
	if v := uint(C.thumb_version()) / versionMajorFactor; v != abiMajor {
		return nil, &Error{StatusInternal, "loaded libthumbnail " + Version() +
			" is not ABI version " + strconv.Itoa(abiMajor)}
	}
	ctx := C.thumb_ctx_new()
	if ctx == nil {
		return nil, &Error{StatusNoMem, "thumb_ctx_new: out of memory"}
	}
	c := &Context{ctx: ctx}
	runtime.SetFinalizer(c, (*Context).Close)
	return c, nil
}

// Close frees the context. It is safe to call more than once; later calls
// to other methods return ErrClosed.
func (c *Context) Close() error {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.ctx != nil {
		C.thumb_ctx_free(c.ctx)
		c.ctx = nil
		runtime.SetFinalizer(c, nil)
	}
	return nil
}

// lock takes the context for one call; the caller unlocks.
func (c *Context) lock() error {
	c.mu.Lock()
	if c.ctx == nil {
		c.mu.Unlock()
		return ErrClosed
	}
	return nil
}

func (c *Context) fail(st C.thumb_status) error {
	msg := C.GoString(C.thumb_ctx_error(c.ctx))
	if msg == "" {
		msg = Status(st).String()
	}
	return &Error{Status(st), msg}
}

// Set sets one option by key, keeping it for later runs.
func (c *Context) Set(key Option, value int64) error {
	if err := c.lock(); err != nil {
		return err
	}
	defer c.mu.Unlock()
	return c.set(key, value)
}

func (c *Context) set(key Option, value int64) error {
	if st := C.thumb_ctx_set(c.ctx, C.thumb_option(key), C.int64_t(value)); st != C.THUMB_OK {
		return c.fail(st)
	}
	return nil
}

// Get reads an option's current value.
func (c *Context) Get(key Option) (int64, error) {
	if err := c.lock(); err != nil {
		return 0, err
	}
	defer c.mu.Unlock()
	var v C.int64_t
	if st := C.thumb_ctx_get(c.ctx, C.thumb_option(key), &v); st != C.THUMB_OK {
		return 0, &Error{Status(st), "unknown option key " + strconv.Itoa(int(key))}
	}
	return int64(v), nil
}

// Reset puts every option back to its default.
func (c *Context) Reset() error {
	if err := c.lock(); err != nil {
		return err
	}
	defer c.mu.Unlock()
	C.thumb_ctx_reset(c.ctx)
	return nil
}

// SetOptions puts every option back to its default, then sets opts.
func (c *Context) SetOptions(opts Options) error {
	if err := c.lock(); err != nil {
		return err
	}
	defer c.mu.Unlock()
	return c.apply(&opts)
}

func (c *Context) apply(opts *Options) error {
	C.thumb_ctx_reset(c.ctx)
	for _, kv := range opts.settings() {
		if err := c.set(Option(kv[0]), kv[1]); err != nil {
			return err
		}
	}
	return nil
}

// run makes the thumbnail of data with the current options. The result
// is the context's own memory, valid until its next call: copy it before
// unlocking.
func (c *Context) run(data []byte) ([]byte, error) {
	var in unsafe.Pointer
	if len(data) > 0 {
		in = unsafe.Pointer(&data[0])
	}
	var out *C.uchar
	var outLen C.size_t
	st := C.thumb_run(c.ctx, in, C.size_t(len(data)), &out, &outLen)
	runtime.KeepAlive(data)
	if st != C.THUMB_OK {
		return nil, c.fail(st)
	}
	return unsafe.Slice((*byte)(unsafe.Pointer(out)), int(outLen)), nil
}

// Run makes the thumbnail of the encoded image data with the options set
// on the context. data is read in place, not copied.
func (c *Context) Run(data []byte) ([]byte, error) {
	if err := c.lock(); err != nil {
		return nil, err
	}
	defer c.mu.Unlock()
	out, err := c.run(data)
	if err != nil {
		return nil, err
	}
	return append([]byte(nil), out...), nil
}

// Thumbnail makes the thumbnail of the encoded image data as opts say
// (options set earlier on the context do not carry over).
func (c *Context) Thumbnail(data []byte, opts Options) ([]byte, error) {
	if err := c.lock(); err != nil {
		return nil, err
	}
	defer c.mu.Unlock()
	if err := c.apply(&opts); err != nil {
		return nil, err
	}
	out, err := c.run(data)
	if err != nil {
		return nil, err
	}
	return append([]byte(nil), out...), nil
}

// WriteThumbnail reads an encoded image from r (up to opts.MaxInputBytes,
// or the library's default limit), and writes its thumbnail to w. Nothing
// is written when the thumbnail fails. It returns the bytes written.
func (c *Context) WriteThumbnail(w io.Writer, r io.Reader, opts Options) (int64, error) {
	if err := c.lock(); err != nil {
		return 0, err
	}
	defer c.mu.Unlock()
	if err := c.apply(&opts); err != nil {
		return 0, err
	}
	var limit C.int64_t
	C.thumb_ctx_get(c.ctx, C.THUMB_OPT_MAX_INPUT_BYTES, &limit)
	// One byte over the limit lets the library report the overflow in its
	// own words.
	max := int64(limit)
	if max < math.MaxInt64 {
		max++
	}
	data, err := io.ReadAll(io.LimitReader(r, max))
	if err != nil {
		return 0, err
	}
	out, err := c.run(data)
	if err != nil {
		return 0, err
	}
	// Straight from the context's memory: io.Writer must not keep it.
	n, err := w.Write(out)
	return int64(n), err
}

// Probe reads the header of the encoded image data; no pixels are decoded
// and no limits applied.
func (c *Context) Probe(data []byte) (Info, error) {
	if err := c.lock(); err != nil {
		return Info{}, err
	}
	defer c.mu.Unlock()
	var in unsafe.Pointer
	if len(data) > 0 {
		in = unsafe.Pointer(&data[0])
	}
	st := C.thumb_probe(c.ctx, in, C.size_t(len(data)))
	runtime.KeepAlive(data)
	if st != C.THUMB_OK {
		return Info{}, c.fail(st)
	}
	get := func(k InfoKey) int { return int(C.thumb_ctx_info(c.ctx, C.thumb_info(k))) }
	return Info{
		Format:      Format(get(InfoFormat)),
		Width:       get(InfoWidth),
		Height:      get(InfoHeight),
		Orientation: get(InfoOrientation),
		Frames:      get(InfoFrames),
		HasAlpha:    get(InfoHasAlpha) != 0,
		BitDepth:    get(InfoBitDepth),
	}, nil
}

// Stat is an information key's value from the last run or probe; ok is
// false when it has none (or the context is closed).
func (c *Context) Stat(key InfoKey) (value int64, ok bool) {
	if c.lock() != nil {
		return 0, false
	}
	defer c.mu.Unlock()
	v := int64(C.thumb_ctx_info(c.ctx, C.thumb_info(key)))
	return v, v >= 0
}

// pool holds idle contexts for the package-level functions, so a server
// calling Thumbnail reuses scratch memory. The garbage collector empties
// it; the finalizer then frees each context.
var pool = sync.Pool{New: func() any {
	c, err := NewContext()
	if err != nil {
		return nil
	}
	return c
}}

func withContext[T any](f func(*Context) (T, error)) (T, error) {
	c, _ := pool.Get().(*Context)
	if c == nil {
		var zero T
		return zero, &Error{StatusNoMem, "thumb_ctx_new: out of memory"}
	}
	defer pool.Put(c)
	return f(c)
}

// Thumbnail makes the thumbnail of the encoded image data as opts say.
// It is safe to call from many goroutines at once.
func Thumbnail(data []byte, opts Options) ([]byte, error) {
	return withContext(func(c *Context) ([]byte, error) { return c.Thumbnail(data, opts) })
}

// Probe reads the header of the encoded image data.
func Probe(data []byte) (Info, error) {
	return withContext(func(c *Context) (Info, error) { return c.Probe(data) })
}

// WriteThumbnail reads an encoded image from r and writes its thumbnail
// to w; see Context.WriteThumbnail.
func WriteThumbnail(w io.Writer, r io.Reader, opts Options) (int64, error) {
	return withContext(func(c *Context) (int64, error) { return c.WriteThumbnail(w, r, opts) })
}
