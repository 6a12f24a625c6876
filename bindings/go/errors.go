package thumbnail

// #include <thumbnail.h>
import "C"

import "errors"

// Status is a libthumbnail status code (thumb_status). The numbers are
// stable: a code keeps its value forever.
type Status int

// The library's status codes.
const (
	StatusOK                 Status = C.THUMB_OK
	StatusInvalidArgument    Status = C.THUMB_ERR_INVALID_ARGUMENT    // unknown option key, value out of range
	StatusUnsupportedFormat  Status = C.THUMB_ERR_UNSUPPORTED_FORMAT  // not an image format the library reads
	StatusUnsupportedFeature Status = C.THUMB_ERR_UNSUPPORTED_FEATURE // a known format using an unhandled feature
	StatusCorrupt            Status = C.THUMB_ERR_CORRUPT             // damaged or truncated data
	StatusLimit              Status = C.THUMB_ERR_LIMIT               // over a limit set in Options
	StatusNoMem              Status = C.THUMB_ERR_NOMEM               // an allocation failed
	StatusIO                 Status = C.THUMB_ERR_IO                  // a read or write callback failed
	StatusEncode             Status = C.THUMB_ERR_ENCODE              // an encoder failed
	StatusInternal           Status = C.THUMB_ERR_INTERNAL            // a bug in the library
	StatusTimeout            Status = C.THUMB_ERR_TIMEOUT             // Options.Timeout passed before the image was done
)

// Sentinel errors, one per status code, for errors.Is. Every error the
// package returns for a library failure is an *Error that matches the
// sentinel of its status.
var (
	ErrInvalidArgument = errors.New("thumbnail: invalid argument")
	// ErrUnsupportedFormat also matches ErrUnsupportedFeature errors, so one
	// test catches every "cannot handle this kind of image".
	ErrUnsupportedFormat  = errors.New("thumbnail: unsupported image format")
	ErrUnsupportedFeature = errors.New("thumbnail: unsupported feature of the image format")
	ErrCorrupt            = errors.New("thumbnail: corrupt or truncated image data")
	ErrLimit              = errors.New("thumbnail: image exceeds a limit")
	ErrNoMem              = errors.New("thumbnail: out of memory")
	ErrIO                 = errors.New("thumbnail: read or write failed")
	ErrEncode             = errors.New("thumbnail: encoding failed")
	ErrInternal           = errors.New("thumbnail: internal error")
	ErrTimeout            = errors.New("thumbnail: deadline passed")
)

// ErrClosed is returned by every method of a Context after Close.
var ErrClosed = errors.New("thumbnail: context is closed")

var sentinels = map[Status]error{
	StatusInvalidArgument:    ErrInvalidArgument,
	StatusUnsupportedFormat:  ErrUnsupportedFormat,
	StatusUnsupportedFeature: ErrUnsupportedFeature,
	StatusCorrupt:            ErrCorrupt,
	StatusLimit:              ErrLimit,
	StatusNoMem:              ErrNoMem,
	StatusIO:                 ErrIO,
	StatusEncode:             ErrEncode,
	StatusInternal:           ErrInternal,
	StatusTimeout:            ErrTimeout,
}

// Error is a failure reported by the library.
type Error struct {
	Status  Status
	Message string // the library's message, naming the cause
}

func (e *Error) Error() string {
	return "thumbnail: " + e.Message
}

// Is reports whether target is the sentinel error of e's status (or
// ErrUnsupportedFormat for an unsupported feature).
func (e *Error) Is(target error) bool {
	if s, ok := sentinels[e.Status]; ok && s == target {
		return true
	}
	return e.Status == StatusUnsupportedFeature && target == ErrUnsupportedFormat
}
