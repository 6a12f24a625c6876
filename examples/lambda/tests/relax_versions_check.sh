#!/usr/bin/env bash
# What package.sh relies on relax_versions.py for, shown on this machine's
# own loader with a library that plays glibc or libstdc++: libuser.so is
# linked against a new libprovider.so.1 that has f() at version NEW (its
# default) and at OLD (kept for compatibility), as glibc 2.36 has hypot at
# GLIBC_2.35 and GLIBC_2.2.5, and GCC 12's libstdc++
# std::condition_variable::wait at GLIBCXX_3.4.30 and GLIBCXX_3.4.11.
# libuser.so needs h() at OLD too, as libjxl and libgav1 need older
# versions of their providers beside the new one. Then it meets an old
# libprovider.so.1 that has f() only at OLD (as libjxl meets glibc 2.34's
# hypot@GLIBC_2.2.5, and libgav1 GCC 11's wait@GLIBCXX_3.4.11). The
# loader must refuse it as built; once relaxed, f must be unversioned and
# only the NEW requirement weak, and the library must load.
#
# Which f() it then calls: an unversioned reference binds to the
# provider's base version (its first) if the symbol has one, else to its
# one default version (glibc's check_match). glibc's old hypot is at its
# base version, GLIBC_2.2.5; libstdc++'s old wait is not (its base is
# GLIBCXX_3.4). Both shapes are built: the relaxed f() must be OLD's on
# the old provider in both, and on the new one OLD's in glibc's shape and
# NEW's in libstdc++'s.
set -euo pipefail
root=$(cd "$(dirname "$0")/../../.." && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
fail() {
  echo "relax_versions_check: $*" >&2
  exit 1
}
# g(1) is 6 with OLD's f(), 4 with NEW's.
cat >"$work/main.c" <<'C'
#include <dlfcn.h>
#include <stdio.h>
#include <stdlib.h>
int main(int argc, char **argv) {
    void *h = dlopen("./libuser.so", RTLD_NOW | RTLD_LOCAL);
    if (!h) {
        printf("refused: %s\n", dlerror());
        return 1;
    }
    int (*g)(int) = (int (*)(int))dlsym(h, "g");
    printf("g(1) = %d\n", g(1));
    return argc > 1 && g(1) == atoi(argv[1]) ? 0 : 2;
}
C
cc -o "$work/main" "$work/main.c" -ldl
cat >"$work/old.c" <<'C'
int h(int x) { return x; }
int f(int x) { return x + 2; }
C
cat >"$work/new.c" <<'C'
int h(int x) { return x; }
int f_old(int x) { return x + 2; }
int f_new(int x) { return x + 1; }
__asm__(".symver f_old, f@OLD");
__asm__(".symver f_new, f@@NEW");
C
echo 'int f(int); int h(int); int g(int x) { return 2 * f(x) + h(0); }' \
  >"$work/user.c"

# shape, the provider's base version node ("" for OLD itself), and g(1)
# of the relaxed library on the new provider.
for case in 'glibc||6' 'libstdc++|BASE { local: *; };|4'; do
  IFS='|' read -r shape base on_new <<<"$case"
  dir=$work/$shape
  mkdir -p "$dir/new" "$dir/old"
  cd "$dir"
  parent=${base:+ BASE}
  echo "$base OLD { global: f; h; local: *; }$parent;" >old.map
  printf '%s\n' "$base OLD { global: f; h; local: *; }$parent;" \
    'NEW { global: f; } OLD;' >new.map
  cc -shared -fPIC -Wl,--version-script=new.map \
    -Wl,-soname,libprovider.so.1 -o new/libprovider.so.1 "$work/new.c"
  cc -shared -fPIC -Wl,--version-script=old.map \
    -Wl,-soname,libprovider.so.1 -o old/libprovider.so.1 "$work/old.c"
  ln -s libprovider.so.1 new/libprovider.so
  cc -shared -fPIC -o libuser.so "$work/user.c" -Lnew -lprovider \
    -Wl,-rpath,'$ORIGIN/old'
  if "$work/main" >out 2>&1; then
    fail "$shape: the unrelaxed library loaded: $(cat out)"
  fi
  grep -q "version .NEW. not found" out || fail "$shape: unexpected: $(cat out)"
  python3 "$root/examples/lambda/relax_versions.py" libuser.so f
  # readelf -V prints each version need as "Name: X  Flags: none|WEAK".
  readelf -V libuser.so >needs
  grep -q 'Name: NEW  Flags: WEAK' needs || fail "$shape: NEW not weak: $(cat needs)"
  grep -q 'Name: OLD  Flags: none' needs || fail "$shape: OLD not kept: $(cat needs)"
  readelf --dyn-syms -W libuser.so >syms
  grep -q ' UND f$' syms || fail "$shape: f still versioned: $(grep ' f@' syms)"
  grep -q ' UND h@OLD' syms || fail "$shape: h lost its version: $(cat syms)"
  "$work/main" 6 || fail "$shape: the relaxed library did not call OLD's f()"
  # LD_LIBRARY_PATH comes before libuser.so's RUNPATH.
  LD_LIBRARY_PATH=new "$work/main" "$on_new" ||
    fail "$shape: on the new provider, g(1) is not $on_new"
done
echo "relax_versions_check: refused as built; relaxed, f unversioned and" \
  "only NEW weak, it loads and calls OLD's f() on the old provider"
