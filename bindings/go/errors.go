package thumbnail

import "errors"

// Status is a libthumbnail status code (thumb_status). The numbers are
// stable: a code keeps its value forever.
type Status int

// The library's status codes.
const (
	StatusOK                 Status = 0
	StatusInvalidArgument    Status = 1  // unknown option key, value out of range
	StatusUnsupportedFormat  Status = 2  // not an image format the library reads
	StatusUnsupportedFeature Status = 3  // a known format using an unhandled feature
	StatusCorrupt            Status = 4  // damaged or truncated data
	StatusLimit              Status = 5  // over a limit set in Options
	StatusNoMem              Status = 6  // an allocation failed
	StatusIO                 Status = 7  // a read or write callback failed
	StatusEncode             Status = 8  // an encoder failed
	StatusInternal           Status = 9  // a bug in the library
	StatusTimeout            Status = 10 // OptTimeoutMS passed before the image was done
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
