#!/usr/bin/env bash
# What package.sh relies on relax_versions.py for, shown on this machine's
# own loader with a library that plays glibc: libuser.so is linked against
# a libprovider.so.1 whose f() is at version NEW, then meets one that has
# f() only at OLD (as libjxl, linked against glibc 2.36's hypot@GLIBC_2.35,
# meets glibc 2.34's hypot@GLIBC_2.2.5). The loader must refuse it as
# built, and load it and call OLD's f() once relaxed.
set -euo pipefail
root=$(cd "$(dirname "$0")/../../.." && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cd "$work"
mkdir new old
echo 'int f(int x) { return x + 1; }' >provider.c
echo 'OLD { global: f; local: *; };' >old.map
printf 'OLD { local: *; };\nNEW { global: f; } OLD;\n' >new.map
echo 'int f(int); int g(int x) { return 2 * f(x); }' >user.c
cat >main.c <<'C'
#include <dlfcn.h>
#include <stdio.h>
int main(void) {
    void *h = dlopen("./libuser.so", RTLD_NOW | RTLD_LOCAL);
    if (!h) {
        printf("refused: %s\n", dlerror());
        return 1;
    }
    int (*g)(int) = (int (*)(int))dlsym(h, "g");
    printf("g(1) = %d\n", g(1));
    return g(1) == 4 ? 0 : 2;
}
C
cc -shared -fPIC -Wl,--version-script=new.map -Wl,-soname,libprovider.so.1 \
  -o new/libprovider.so.1 provider.c
cc -shared -fPIC -Wl,--version-script=old.map -Wl,-soname,libprovider.so.1 \
  -o old/libprovider.so.1 provider.c
ln -s libprovider.so.1 new/libprovider.so
cc -shared -fPIC -o libuser.so user.c -Lnew -lprovider -Wl,-rpath,'$ORIGIN/old'
cc -o main main.c -ldl
if ./main >out 2>&1; then
  echo "relax_versions_check: the unrelaxed library loaded: $(cat out)" >&2
  exit 1
fi
grep -q "version .NEW. not found" out ||
  { echo "relax_versions_check: unexpected: $(cat out)" >&2; exit 1; }
python3 "$root/examples/lambda/relax_versions.py" libuser.so f
./main || { echo "relax_versions_check: the relaxed library failed" >&2; exit 1; }
echo "relax_versions_check: refused as built, loads and binds OLD's f() relaxed"
