// Package thumbnail makes small images from large ones: one encoded JPEG,
// PNG, WebP or GIF in, one small encoded JPEG, PNG, WebP or GIF out. It is the Go
// binding of libthumbnail, a C library, through cgo.
//
// The simplest call makes a thumbnail from bytes:
//
//	out, err := thumbnail.Thumbnail(in, thumbnail.Options{
//		Width: 256, Height: 256, Format: thumbnail.FormatWebP,
//	})
//
// ThumbnailMany makes several (a srcset's sizes and formats) from one
// decode, each output with its own error:
//
//	outs, err := thumbnail.ThumbnailMany(in,
//		thumbnail.Options{Width: 1280, Height: 1280, Format: thumbnail.FormatWebP},
//		thumbnail.Options{Width: 320, Height: 320, Format: thumbnail.FormatJPEG})
//
// A Context keeps its scratch memory between runs; use one per goroutine
// for the fastest batch work. Separate contexts share nothing and run in
// parallel; one Context used from several goroutines serialises their
// calls.
//
// Failures are *Error values carrying the library's status and a message
// naming the cause; compare them with errors.Is against ErrCorrupt,
// ErrUnsupportedFormat, ErrLimit and the other sentinels.
//
// The library is found through pkg-config (libthumbnail.pc); set
// PKG_CONFIG_PATH to build against a copy that is not installed.
package thumbnail
