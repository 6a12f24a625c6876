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
