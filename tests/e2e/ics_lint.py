#!/usr/bin/python3
"""Byte-level lint of iCalendar files (RFC 5545), without an iCalendar library.

usage: ics_lint.py FILE.ics...

Prints one line per problem as FILE:LINE: message and exits 1 if there is
any; prints nothing and exits 0 otherwise.  From Python:
    from ics_lint import lint_bytes, lint_file   # both return the messages
"""
import re
import sys

NAME = r'[A-Za-z0-9-]+'
PARAM = r';(%s)=((?:"[^"]*"|[^";:,]*)(?:,(?:"[^"]*"|[^";:,]*))*)' % NAME
CONTENT_LINE = re.compile(r'(?P<name>%s)(?P<params>(?:%s)*):(?P<value>.*)\Z'
                          % (NAME, PARAM), re.S)
PARAM_RE = re.compile(PARAM)
CONTROL = re.compile(r'[\x00-\x08\x0a-\x1f\x7f]')


class Comp:
    def __init__(self, name, line):
        self.name, self.line, self.props, self.children = name, line, [], []

    def get(self, name):
        return [p for p in self.props if p[0] == name]


def physical_lines(data, problem):
    """Split raw bytes into (line number, content without CRLF) pairs."""
    pieces = data.split(b'\n')
    if data.endswith(b'\n'):
        pieces.pop()
    if not data.endswith(b'\r\n'):
        problem(max(len(pieces), 1), 'file does not end with CRLF')
    lines = []
    for no, raw in enumerate(pieces, 1):
        has_lf = no < len(pieces) or data.endswith(b'\n')
        if has_lf and raw.endswith(b'\r'):
            raw = raw[:-1]
        elif has_lf:
            problem(no, 'bare LF (line does not end with CRLF)')
        if b'\r' in raw:
            problem(no, 'bare CR inside the line')
        if len(raw) > 75:
            problem(no, 'line is %d octets long (limit 75)' % len(raw))
        lines.append((no, raw))
    return lines


def unfold(lines, problem):
    """Join folded lines; check UTF-8 and folds. Returns [(line, text)]."""
    logical = []  # [line number, bytes]
    for i, (no, raw) in enumerate(lines):
        try:
            raw.decode('utf-8')
        except UnicodeDecodeError:
            problem(no, 'line is not valid UTF-8 on its own (a fold splits a '
                        'multi-byte character, or the bytes are invalid)')
        if raw[:1] in (b' ', b'\t'):
            if not logical:
                problem(no, 'continuation line with nothing to continue')
                continue
            prev = lines[i - 1][1]
            if (len(prev) - len(prev.rstrip(b'\\'))) % 2:
                problem(lines[i - 1][0], 'fold separates a backslash from the '
                                         'character it escapes')
            logical[-1][1] += raw[1:]
        else:
            logical.append([no, raw])
    out = []
    for no, raw in logical:
        try:
            text = raw.decode('utf-8')
        except UnicodeDecodeError as e:
            problem(no, 'invalid UTF-8 in content line: %s' % e.reason)
            text = raw.decode('utf-8', 'replace')
        out.append((no, text))
    return out


def parse(logical, problem):
    """Build the component tree; check BEGIN/END. Returns the VCALENDAR."""
    stack, top = [], None
    for no, text in logical:
        if not text:
            problem(no, 'empty content line')
            continue
        if CONTROL.search(text):
            problem(no, 'control character in content line: %r'
                    % CONTROL.search(text).group())
        m = CONTENT_LINE.match(text)
        if not m:
            problem(no, 'malformed content line: %r' % text[:40])
            continue
        name, value = m.group('name').upper(), m.group('value')
        params = {k.upper(): v for k, v in PARAM_RE.findall(m.group('params'))}
        if top is None and not stack and (name, value) != ('BEGIN', 'VCALENDAR'):
            problem(no, 'file does not start with BEGIN:VCALENDAR')
        if top is not None and not stack:
            problem(no, 'content after END:VCALENDAR')
            continue
        if name == 'BEGIN':
            comp = Comp(value.upper(), no)
            (stack[-1].children if stack else []).append(comp)
            stack.append(comp)
        elif name == 'END':
            if not stack or stack[-1].name != value.upper():
                problem(no, 'END:%s does not match %s' % (
                    value, 'BEGIN:' + stack[-1].name if stack else 'any BEGIN'))
                continue
            comp = stack.pop()
            if not stack:
                top = comp
        elif stack:
            stack[-1].props.append((name, params, value, no))
        else:
            problem(no, 'property outside any component')
    last = logical[-1][0] if logical else 1
    for comp in reversed(stack):
        problem(last, 'BEGIN:%s (line %d) is never ended' % (comp.name, comp.line))
    if top is None and not stack:
        problem(last, 'no VCALENDAR in file')
    if logical and logical[-1][1] != 'END:VCALENDAR':
        problem(last, 'file does not end with END:VCALENDAR')
    return top or (stack[0] if stack else None)


def walk(comp):
    yield comp
    for child in comp.children:
        yield from walk(child)


def check_calendar(cal, problem):
    if cal.name != 'VCALENDAR':
        problem(cal.line, 'top-level component is %s, not VCALENDAR' % cal.name)
    version = cal.get('VERSION')
    if [p[2] for p in version] != ['2.0']:
        problem(cal.line, 'VCALENDAR needs exactly one VERSION:2.0, has %r'
                % [p[2] for p in version])
    if len(cal.get('PRODID')) != 1:
        problem(cal.line, 'VCALENDAR needs exactly one PRODID')
    if not cal.children:
        problem(cal.line, 'VCALENDAR contains no component')
    zones = {}
    for comp in walk(cal):
        if comp.name == 'VTIMEZONE':
            for _, _, tzid, no in comp.get('TZID'):
                if tzid in zones:
                    problem(no, 'second VTIMEZONE for TZID %s' % tzid)
                zones[tzid] = comp
            if len(comp.get('TZID')) != 1:
                problem(comp.line, 'VTIMEZONE needs exactly one TZID')
            if not any(c.name in ('STANDARD', 'DAYLIGHT') for c in comp.children):
                problem(comp.line, 'VTIMEZONE has no STANDARD or DAYLIGHT')
    for tzid in zones:
        if '/freeassociation' in tzid:
            problem(zones[tzid].line, 'VTIMEZONE TZID has a /freeassociation prefix: %s' % tzid)
    for comp in walk(cal):
        for name, params, _, no in comp.props:
            tzid = params.get('TZID')
            if tzid is None:
                continue
            tzid = tzid.strip('"')
            if '/freeassociation' in tzid:
                problem(no, '%s TZID has a /freeassociation prefix: %s' % (name, tzid))
            if tzid not in zones:
                problem(no, '%s uses TZID=%s but there is no VTIMEZONE for it' % (name, tzid))
        if comp.name == 'VEVENT':
            check_event(comp, problem)


def check_event(ev, problem):
    for name, lo, hi in (('UID', 1, 1), ('DTSTAMP', 1, 1),
                         ('DTSTART', 1, 1), ('DTEND', 0, 1)):
        n = len(ev.get(name))
        if not lo <= n <= hi:
            problem(ev.line, 'VEVENT has %d %s properties (expected %s)'
                    % (n, name, lo if lo == hi else '%d..%d' % (lo, hi)))
    start, end = ev.get('DTSTART')[:1], ev.get('DTEND')[:1]
    if start and end:
        (_, sp, sv, _), (_, ep, ev_, eno) = start[0], end[0]
        s_date, e_date = sp.get('VALUE') == 'DATE', ep.get('VALUE') == 'DATE'
        if s_date != e_date:
            problem(eno, 'DTEND and DTSTART have different value types')
        elif e_date and not ev_[:8] > sv[:8]:
            problem(eno, 'DTEND %s is not after DTSTART %s' % (ev_, sv))


def lint_bytes(data, name='<ics>'):
    problems = []

    def problem(line, message):
        problems.append('%s:%d: %s' % (name, line, message))

    if not data:
        problem(1, 'file is empty')
        return problems
    logical = unfold(physical_lines(data, problem), problem)
    cal = parse(logical, problem)
    if cal is not None:
        check_calendar(cal, problem)
    return problems


def lint_file(path):
    with open(path, 'rb') as f:
        return lint_bytes(f.read(), path)


def main(argv):
    if not argv:
        sys.stderr.write('usage: ics_lint.py FILE.ics...\n')
        return 2
    problems = [p for path in argv for p in lint_file(path)]
    for p in problems:
        print(p)
    return 1 if problems else 0


if __name__ == '__main__':
    sys.exit(main(sys.argv[1:]))
