"""kill_builds.py: a build killed part-way leaves every output whole.

  kill_builds.py BEFORE EXPECTED NEW.json KILLED REBUILD --delays FILE
  kill_builds.py BEFORE EXPECTED NEW.json KILLED REBUILD --calls N LIBRARY

For each kill point, OUT starts as a copy of BEFORE (what the previous build
wrote) and `KILLED build NEW.json -o OUT` is killed with SIGKILL: after each
delay of FILE (seconds, one a line), or at each file-system call 1..N on OUT
through the fault-injection LIBRARY (FAULT_KILL=1; the run must die there).
Every file of OUT must then be byte for byte as in BEFORE or as in EXPECTED
(the complete new build): "old", "new" or "mixed" file by file; temporary
files (.NAME.tmp-XXXXXX) are left to the next build. Then
`REBUILD build NEW.json -o OUT` must give exactly EXPECTED, with no temporary
file left.

One process drives every kill (it was a shell loop starting a Python
verdict and a diff per kill). Prints the counts and a FAIL line per failure;
exits 1 if any."""
import os
import shutil
import signal
import subprocess
import sys
import tempfile


def files(directory):
    return {n: open(os.path.join(directory, n), 'rb').read() for n in os.listdir(directory)}


def verdict(before, after, out):
    """'old', 'new', 'mixed', or 'BAD ...' for a file that is neither the
    old nor the new one, missing while both builds have it, or written by
    neither."""
    names = set(before) | set(after)
    extra = [n for n in out if n not in names and '.tmp-' not in n]
    if extra:
        return 'BAD files neither build writes: %s' % extra
    olds = news = 0
    for name in sorted(names):
        got, old, new = out.get(name), before.get(name), after.get(name)
        if got != old and got != new:
            size = 'missing' if got is None else '%d bytes' % len(got)
            return 'BAD %s is neither the old nor the new one (%s)' % (name, size)
        olds += got == old and old != new
        news += got == new and old != new
    return 'old' if news == 0 else 'new' if olds == 0 else 'mixed'


def kill_points(args):
    """(label, popen keyword arguments, delay or None) for each kill."""
    if args[0] == '--delays':
        for line in open(args[1]):
            yield 'kill after %ss' % line.strip(), {}, float(line)
    elif args[0] == '--calls':
        for k in range(1, int(args[1]) + 1):
            yield 'kill at call %d' % k, {'FAULT_AT': str(k), 'FAULT_KILL': '1',
                                          'LD_PRELOAD': args[2]}, None
    else:
        sys.exit('kill_builds.py: --delays FILE or --calls N LIBRARY')


def main():
    before_dir, expected_dir, new_json, killed, rebuild = sys.argv[1:6]
    before, expected = files(before_dir), files(expected_dir)
    counts = {'old': 0, 'new': 0, 'mixed': 0}
    finished = failed = bad = 0  # bad: failed before a verdict was counted
    work = tempfile.mkdtemp()
    out = os.path.join(work, 'out')
    try:
        for label, extra_env, delay in kill_points(sys.argv[6:]):
            shutil.rmtree(out, ignore_errors=True)
            shutil.copytree(before_dir, out, symlinks=True)
            env = dict(os.environ, **extra_env)
            if extra_env:
                env['FAULT_DIR'] = out
            run = subprocess.Popen([killed, 'build', new_json, '-o', out], env=env,
                                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            try:
                run.wait(timeout=delay)
            except subprocess.TimeoutExpired:
                run.kill()
                run.wait()
            finished += run.returncode == 0
            if delay is None and run.returncode != -signal.SIGKILL:
                failed += 1
                print('FAIL: %s: exit %d, expected death by SIGKILL' % (label, run.returncode))
                bad += 1
                continue
            said = verdict(before, expected, files(out))
            if said.startswith('BAD'):
                failed += 1
                print('FAIL: %s: %s' % (label, said))
                bad += 1
                continue
            counts[said] += 1
            subprocess.run([rebuild, 'build', new_json, '-o', out], check=False,
                           stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            now = files(out)
            if now != expected:
                failed += 1
                wrong = sorted(n for n in set(now) | set(expected) if now.get(n) != expected.get(n))
                print('FAIL: %s: the next build did not give the new out/ (%s)' % (label, wrong))
    finally:
        shutil.rmtree(work, ignore_errors=True)
    passed = sum(counts.values()) - (failed - bad)
    print('%d kills: out/ left old %d, new %d, mixed file by file %d; %d finished before '
          'the kill' % (passed + failed, counts['old'], counts['new'], counts['mixed'], finished))
    print('%d passed, %d failed' % (passed, failed))
    return 1 if failed else 0


if __name__ == '__main__':
    sys.exit(main())
