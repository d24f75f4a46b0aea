"""old_or_new.py BEFORE AFTER OUT: after an interrupted build, is every file
of OUT byte for byte as in BEFORE (the previous build) or as in AFTER (the
complete new build)? Prints "old", "new" or "mixed" (some files old, some
new: allowed, each is whole), or "BAD ..." for a file that is neither,
missing while both builds have it, or not written by either (temporary
files, named .NAME.tmp-XXXXXX, are left to the next build)."""
import os
import sys

before, after, out = sys.argv[1:4]


def read(directory, name):
    path = os.path.join(directory, name)
    return open(path, 'rb').read() if os.path.exists(path) else None


names = set(os.listdir(before)) | set(os.listdir(after))
extra = [n for n in os.listdir(out) if n not in names and '.tmp-' not in n]
if extra:
    print('BAD files neither build writes: %s' % extra)
    sys.exit()
olds = news = 0
for name in sorted(names):
    got, old, new = read(out, name), read(before, name), read(after, name)
    if got != old and got != new:
        size = 'missing' if got is None else '%d bytes' % len(got)
        print('BAD %s is neither the old nor the new one (%s)' % (name, size))
        sys.exit()
    olds += got == old and old != new
    news += got == new and old != new
print('old' if news == 0 else 'new' if olds == 0 else 'mixed')
