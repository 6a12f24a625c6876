package thumbnail

import (
	"fmt"
	"testing"
)

// Corpus images of the kinds a thumbnailing service sees.
var benchImages = []string{
	"jpeg/2569067123_aca715a2ee_o.jpg", // sharp's benchmark photo, 2725x2225
	"jpeg/Carrie.jpg",                  // 12 MP camera photo
	"png/alpha-premultiply-2048x1536-paper.png",
	"webp/bryce.webp", // 24 MP lossy panorama
	"gif/Crash_test.gif",
}

// BenchmarkThumbnail makes a 256x256 (inside) thumbnail in each output
// format with one reused Context. MB/s is input bytes.
func BenchmarkThumbnail(b *testing.B) {
	for _, name := range benchImages {
		data := readCorpus(b, name)
		for _, f := range []Format{FormatJPEG, FormatWebP, FormatPNG} {
			b.Run(fmt.Sprintf("%s/%v", name, f), func(b *testing.B) {
				c, err := NewContext()
				if err != nil {
					b.Fatal(err)
				}
				defer c.Close()
				opts := Options{Width: 256, Height: 256, Format: f}
				b.SetBytes(int64(len(data)))
				b.ResetTimer()
				for i := 0; i < b.N; i++ {
					if _, err := c.Thumbnail(data, opts); err != nil {
						b.Fatal(err)
					}
				}
			})
		}
	}
}

// BenchmarkThumbnailParallel runs the package-level Thumbnail from
// GOMAXPROCS goroutines, as a server would.
func BenchmarkThumbnailParallel(b *testing.B) {
	data := readCorpus(b, benchImages[0])
	opts := Options{Width: 256, Height: 256, Format: FormatJPEG}
	b.SetBytes(int64(len(data)))
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			if _, err := Thumbnail(data, opts); err != nil {
				b.Error(err)
				return
			}
		}
	})
}

// BenchmarkProbe reads a header only.
func BenchmarkProbe(b *testing.B) {
	data := readCorpus(b, benchImages[1])
	for i := 0; i < b.N; i++ {
		if _, err := Probe(data); err != nil {
			b.Fatal(err)
		}
	}
}
