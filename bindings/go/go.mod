module libthumbnail/thumbnail

go 1.19
