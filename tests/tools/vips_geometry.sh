#!/bin/bash
# Regenerates tests/data/vips_geometry.txt: the output size vipsthumbnail
# (libvips 8.14, Debian 12) gives for a grid of input sizes, requests and
# fit modes. test_geometry checks geometry_compute() against it.
#   tests/tools/vips_geometry.sh > tests/data/vips_geometry.txt
# Columns: width height request fit enlarge out_width out_height
# (out "ERR" where vipsthumbnail refuses the request).
# "inside" is vipsthumbnail -s REQ, "cover" adds --smartcrop centre, "fill"
# is -s REQ!; enlarge 0 appends ">" (shrink only).
set -u
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
sizes="2725x2225 3000x4000 1920x1080 100x100 32x32 1x1 1x1000 1000x1 333x500 11158x2156 500x333 257x255 999x1001"
reqs="256 256x x256 720x588 200x300 300x200 1x1 640x480 100x500"
for s in $sizes; do
  w=${s%x*}; h=${s#*x}
  vips black "$tmp/in.v" "$w" "$h" >/dev/null
  for r in $reqs; do
    for mode in inside cover fill; do
      for enl in 0 1; do
        rr=$r
        [ $mode = fill ] && rr="$r!"
        [ $enl = 0 ] && rr="$rr>"
        extra=()
        [ $mode = cover ] && extra=(--smartcrop centre)
        if vipsthumbnail "$tmp/in.v" -s "$rr" "${extra[@]}" -o "$tmp/out.v" 2>/dev/null; then
          echo "$w $h $r $mode $enl $(vipsheader -f width "$tmp/out.v") $(vipsheader -f height "$tmp/out.v")"
        else
          echo "$w $h $r $mode $enl ERR"
        fi
      done
    done
  done
done
