package thumbnail

/*
#include <thumbnail.h>
*/
import "C"

import (
	"runtime"
	"unsafe"
)

// Output is one thumbnail of ThumbnailMany: its bytes and size, or the
// error that stopped it.
type Output struct {
	// Data is the encoded thumbnail; nil when Err is set.
	Data []byte
	// Err is why this output failed (an *Error, for errors.Is); nil when
	// it was made.
	Err error
	// Format, Width and Height describe the thumbnail made.
	Format        Format
	Width, Height int
	// DecodedWidth and DecodedHeight are the size the shared decode gave
	// after shrink-on-load; a single Thumbnail with the same options gives
	// the same bytes when it decodes at this size too (see ThumbnailMany).
	DecodedWidth, DecodedHeight int
}

// ThumbnailMany makes a thumbnail of the encoded image data for each of
// opts from one decode: a srcset's sizes and formats for the price of
// about one Thumbnail. outs[i] is made as opts[i] says, as Thumbnail(data,
// opts[i]) would make it. It is safe to call from many goroutines at once.
//
// An output that fails (WebP over 16383 pixels a side, a limit in its own
// Options) has its Err set and leaves the others made; a decoding error
// fails every output with the same error. err is non-nil only when no
// output was tried: no opts, or an option value the library refuses.
//
// opts[0] decides for all the Timeout and MaxInputBytes; every other
// option, limits included, is each output's own. An output much smaller
// than the largest (or beside an Accurate one) is made from a finer decode
// than its own Thumbnail would use, so its bytes may differ from that
// run's (DecodedWidth says); so may those of a JPEG output that shrinks
// less than 2x beside one that shrinks more.
func ThumbnailMany(data []byte, opts ...Options) (outs []Output, err error) {
	if len(opts) == 0 {
		return nil, &Error{StatusInvalidArgument, "ThumbnailMany: no Options, so no output"}
	}
	ctxs := make([]*Context, 0, len(opts))
	defer func() {
		for _, c := range ctxs {
			c.mu.Unlock()
			pool.Put(c)
		}
	}()
	// Contexts of the pool are no one else's: taking their locks cannot
	// wait on another goroutine.
	cctxs := make([]*C.thumb_ctx, len(opts))
	for i := range opts {
		c, _ := pool.Get().(*Context)
		if c == nil {
			return nil, &Error{StatusNoMem, "thumb_ctx_new: out of memory"}
		}
		if err := c.lock(); err != nil {
			return nil, err
		}
		ctxs = append(ctxs, c)
		if err := c.apply(&opts[i]); err != nil {
			return nil, err
		}
		cctxs[i] = c.ctx
	}
	var in unsafe.Pointer
	if len(data) > 0 {
		in = unsafe.Pointer(&data[0])
	}
	// The per-output statuses are read below; the overall one only
	// repeats the first failure's.
	C.thumb_run_many(&cctxs[0], C.size_t(len(cctxs)), in, C.size_t(len(data)))
	runtime.KeepAlive(data)
	outs = make([]Output, len(ctxs))
	for i, c := range ctxs {
		outs[i] = c.output()
	}
	return outs, nil
}

// output is the result of the last run on c, its bytes copied.
func (c *Context) output() Output {
	if st := C.thumb_ctx_status(c.ctx); st != C.THUMB_OK {
		return Output{Err: c.fail(st)}
	}
	var out *C.uchar
	var outLen C.size_t
	if st := C.thumb_ctx_output(c.ctx, &out, &outLen); st != C.THUMB_OK {
		return Output{Err: c.fail(st)}
	}
	get := func(k InfoKey) int { return int(C.thumb_ctx_info(c.ctx, C.thumb_info(k))) }
	return Output{
		Data:          append([]byte(nil), unsafe.Slice((*byte)(unsafe.Pointer(out)), int(outLen))...),
		Format:        Format(get(InfoOutputFormat)),
		Width:         get(InfoOutputWidth),
		Height:        get(InfoOutputHeight),
		DecodedWidth:  get(InfoDecodedWidth),
		DecodedHeight: get(InfoDecodedHeight),
	}
}
