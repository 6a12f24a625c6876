"""Lets a bundled library load on the runtime's older glibc or libstdc++
when what it needs of a newer one are only new versions of functions the
older one has under an older version.

Debian 12's libjxl needs hypot@GLIBC_2.35 and hypotf@GLIBC_2.35, which
glibc 2.35 added when it dropped the old SVID error handling from them
(the results are the same); glibc 2.34, provided.al2023's, has them as
GLIBC_2.2.5 (package.sh says why libgav1's case is the same). For each
symbol named, this clears its version (.gnu.version entry 1, "global"),
and marks each version requirement no symbol uses any more weak
(VER_FLG_WEAK in .gnu.version_r), so that the loader does not refuse the
library for lacking it. What patchelf --clear-symbol-version does, plus
the requirement, which patchelf 0.14 leaves. An unversioned reference
binds to the provider's base version (its first) if the symbol has one,
else to its one default version (glibc's check_match): hypot to
GLIBC_2.2.5 on any glibc, libstdc++'s wait to GLIBCXX_3.4.11 on
GCC 11 and GLIBCXX_3.4.30 on GCC 12 (tests/relax_versions_check.sh
shows both).

  relax_versions.py LIBRARY SYMBOL...

ELF64 little-endian only (x86-64, arm64). Prints what it changed; exits 1
when a symbol named is not an undefined symbol of the library."""

import struct
import sys

SHT_DYNSYM = 11
SHT_GNU_VERSYM = 0x6fffffff
SHT_GNU_VERNEED = 0x6ffffffe
VER_NDX_GLOBAL = 1
VER_FLG_WEAK = 0x2
SHN_UNDEF = 0


def sections(data):
    shoff, = struct.unpack_from("<Q", data, 0x28)
    shentsize, shnum = struct.unpack_from("<HH", data, 0x3A)
    # name, type, flags, addr, offset, size, link, info, align, entsize
    return [struct.unpack_from("<IIQQQQIIQQ", data, shoff + i * shentsize)
            for i in range(shnum)]


def c_string(data, at):
    return data[at:data.index(b"\0", at)].decode()


def relax(path, names):
    data = bytearray(open(path, "rb").read())
    if data[:4] != b"\x7fELF" or data[4] != 2 or data[5] != 1:
        raise SystemExit("%s: not an ELF64 little-endian file" % path)
    secs = sections(data)
    by_type = {s[1]: s for s in secs}
    dynsym, versym = by_type[SHT_DYNSYM], by_type[SHT_GNU_VERSYM]
    dynstr = secs[dynsym[6]][4]
    changed, used = [], set()
    for i in range(dynsym[5] // dynsym[9]):
        at = dynsym[4] + i * dynsym[9]
        name_off, _, _, shndx = struct.unpack_from("<IBBH", data, at)
        ver_at = versym[4] + 2 * i
        index, = struct.unpack_from("<H", data, ver_at)
        name = c_string(data, dynstr + name_off)
        if name in names and shndx == SHN_UNDEF:
            struct.pack_into("<H", data, ver_at, VER_NDX_GLOBAL)
            changed.append(name)
        elif index & 0x7fff > VER_NDX_GLOBAL:
            used.add(index & 0x7fff)
    missing = set(names) - set(changed)
    if missing:
        raise SystemExit("%s: no undefined %s" % (path, ", ".join(sorted(missing))))
    verneed = by_type[SHT_GNU_VERNEED]
    strtab = secs[verneed[6]][4]
    weakened = []
    at = verneed[4]
    while True:
        _, count, _, aux_off, next_off = struct.unpack_from("<HHIII", data, at)
        aux = at + aux_off
        for _ in range(count):
            _, flags, other, name_off, aux_next = struct.unpack_from("<IHHII", data, aux)
            if other not in used and not flags & VER_FLG_WEAK:
                struct.pack_into("<H", data, aux + 4, flags | VER_FLG_WEAK)
                weakened.append(c_string(data, strtab + name_off))
            if not aux_next:
                break
            aux += aux_next
        if not next_off:
            break
        at += next_off
    open(path, "wb").write(data)
    print("%s: %s unversioned; %s weak" % (
        path, ", ".join(changed), ", ".join(weakened) or "no requirement"))


if __name__ == "__main__":
    if len(sys.argv) < 3:
        raise SystemExit(__doc__)
    relax(sys.argv[1], sys.argv[2:])
