package thumbnail_test

import (
	"errors"
	"fmt"
	"log"
	"os"

	"libthumbnail/thumbnail"
)

// A phone photo stored sideways (EXIF orientation 6) becomes an upright
// WebP within 256x256.
func Example() {
	in, err := os.ReadFile("../../examples/sample/portrait-exif6.jpg")
	if err != nil {
		log.Fatal(err)
	}
	out, err := thumbnail.Thumbnail(in, thumbnail.Options{
		Width: 256, Height: 256, Format: thumbnail.FormatWebP,
	})
	if err != nil {
		log.Fatal(err)
	}
	info, err := thumbnail.Probe(out)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Printf("%v %dx%d\n", info.Format, info.Width, info.Height)
	// Output: webp 171x256
}

// A Context reused for many images keeps its scratch memory.
func ExampleContext() {
	c, err := thumbnail.NewContext()
	if err != nil {
		log.Fatal(err)
	}
	defer c.Close()
	in, err := os.ReadFile("../../examples/sample/portrait-exif6.jpg")
	if err != nil {
		log.Fatal(err)
	}
	for _, size := range []int{64, 128} {
		out, err := c.Thumbnail(in, thumbnail.Options{Width: size, Height: size, Fit: thumbnail.FitCover, Format: thumbnail.FormatJPEG})
		if err != nil {
			log.Fatal(err)
		}
		w, _ := c.Stat(thumbnail.InfoOutputWidth)
		h, _ := c.Stat(thumbnail.InfoOutputHeight)
		fmt.Printf("%dx%d JPEG, %t\n", w, h, len(out) > 0)
	}
	// Output:
	// 64x64 JPEG, true
	// 128x128 JPEG, true
}

// Thumbnail a file into another; errors.Is tells the kinds of failure
// apart.
func ExampleWriteThumbnail() {
	src, err := os.Open("../../examples/sample/portrait-exif6.jpg")
	if err != nil {
		log.Fatal(err)
	}
	defer src.Close()
	dst, err := os.CreateTemp("", "thumb-*.png")
	if err != nil {
		log.Fatal(err)
	}
	defer os.Remove(dst.Name())
	defer dst.Close()
	n, err := thumbnail.WriteThumbnail(dst, src, thumbnail.Options{Width: 100, Format: thumbnail.FormatPNG})
	fmt.Println(n > 0, err)

	_, err = thumbnail.Thumbnail([]byte("GIF89a"), thumbnail.Options{})
	fmt.Println(errors.Is(err, thumbnail.ErrCorrupt))
	// Output:
	// true <nil>
	// true
}

// Formats go by the library's names: a format name, a file extension or
// a MIME type, in any case.
func ExampleParseFormat() {
	for _, name := range []string{"jpg", "image/webp", ".GIF"} {
		f, err := thumbnail.ParseFormat(name)
		if err != nil {
			log.Fatal(err)
		}
		fmt.Println(f, f.Extension(), f.MIMEType())
	}
	// Output:
	// jpeg jpg image/jpeg
	// webp webp image/webp
	// gif gif image/gif
}

// Several sizes and formats of one upload (a srcset) from one decode. An
// output that fails has its Err set; the others are made.
func ExampleThumbnailMany() {
	in, err := os.ReadFile("../../examples/sample/portrait-exif6.jpg")
	if err != nil {
		log.Fatal(err)
	}
	var opts []thumbnail.Options
	for _, size := range []int{640, 320} {
		for _, f := range []thumbnail.Format{thumbnail.FormatWebP, thumbnail.FormatJPEG} {
			opts = append(opts, thumbnail.Options{Width: size, Height: size, Format: f})
		}
	}
	// WebP stops at 16383 pixels a side.
	opts = append(opts, thumbnail.Options{Width: 20000, Height: 100, Fit: thumbnail.FitFill,
		Enlarge: true, Format: thumbnail.FormatWebP})
	outs, err := thumbnail.ThumbnailMany(in, opts...)
	if err != nil {
		log.Fatal(err) // no output was tried: an option out of range
	}
	for _, out := range outs {
		if out.Err != nil {
			fmt.Println(errors.Is(out.Err, thumbnail.ErrEncode), out.Err)
			continue
		}
		fmt.Printf("%v %dx%d, %t\n", out.Format, out.Width, out.Height, len(out.Data) > 0)
	}
	// Output:
	// webp 427x640, true
	// jpeg 427x640, true
	// webp 213x320, true
	// jpeg 213x320, true
	// true thumbnail: WebP: a 20000x100 image is larger than WebP's limit of 16383 pixels a side
}
