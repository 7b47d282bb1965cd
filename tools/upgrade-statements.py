#!/usr/bin/env python3
"""Statements of an upgrade script, from two schema descriptions and sql/parts (tools/upgrade-diff.sh).

    tools/upgrade-statements.py OLD.txt NEW.txt [--parts sql/parts] [--from A --to B]

OLD.txt and NEW.txt are test/upgrade/describe.sql outputs with full=on: OLD of the released version
(CREATE EXTENSION ... VERSION 'A', not upgraded), NEW of a fresh install of the current one. Prints a
draft sql/community_planning--A--B.sql: DROPs for what went away or cannot be replaced in place,
the statements of sql/parts for new and changed functions, views, tables, triggers, policies and
indexes (with their COMMENT ON, GRANT and REVOKE), ALTER TABLE for changed tables, the config-dump
registrations, the shipped catalogue rows to insert, update or delete (under cp.catalogue_maintenance),
the comments and privileges that differ otherwise, and, as TODO comments, what it could not write.
Read it before use: it is a draft, and the upgrade test (test/upgrade/run.sh) is the judge.
"""
import argparse
import json
import os
import re
import sys
from collections import OrderedDict, defaultdict


# --- descriptions -------------------------------------------------------------------------------

def read_description(path):
    """section -> object -> attribute -> value (rows of shipped tables as lists)."""
    desc = defaultdict(lambda: defaultdict(dict))
    shipped = defaultdict(list)
    with open(path, encoding='utf-8') as f:
        for line in f:
            line = line.rstrip('\n')
            if not line:
                continue
            parts = line.split(' | ', 3)
            if len(parts) != 4:
                continue
            section, obj, attr, value = parts
            if section == 'shipped' and attr == 'row':
                shipped[obj[len('rows of '):]].append(value)
            elif attr == 'uses':        # several lines: the objects it uses
                desc[section][obj].setdefault('uses', set()).add(value)
            else:
                desc[section][obj][attr] = value
    return desc, shipped


def unescape(v):
    out, i = [], 0
    while i < len(v):
        c = v[i]
        if c == '\\' and i + 1 < len(v):
            n = v[i + 1]
            out.append({'n': '\n', 't': '\t', '\\': '\\'}.get(n, '\\' + n))
            i += 2
        else:
            out.append(c)
            i += 1
    return ''.join(out)


def literal(text):
    return "'" + text.replace("'", "''") + "'"


def dollar(text, tag='r'):
    while '$' + tag + '$' in text:
        tag += 'x'
    return '$' + tag + '$' + text + '$' + tag + '$'


# --- sql/parts, split into statements -------------------------------------------------------------

def split_statements(text):
    """Statements of a SQL file: ends at ';' outside strings, identifiers, comments and dollar quotes.
    psql meta-commands (a line starting with a backslash) are statements of their own."""
    stmts, i, n, start = [], 0, len(text), 0
    at_start = True
    while i < n:
        c = text[i]
        if at_start and c == '\\':
            j = text.find('\n', i)
            j = n if j < 0 else j
            stmts.append(text[start:j])
            i = start = j + 1
            continue
        if c in ' \t\r\n':
            i += 1
            continue
        if text.startswith('--', i):
            j = text.find('\n', i)
            i = n if j < 0 else j + 1
            continue
        at_start = False
        if text.startswith('/*', i):
            depth, i = 1, i + 2
            while i < n and depth:
                if text.startswith('/*', i):
                    depth, i = depth + 1, i + 2
                elif text.startswith('*/', i):
                    depth, i = depth - 1, i + 2
                else:
                    i += 1
            continue
        if c == "'":
            escaped = i > 0 and text[i - 1] in 'eE' and (i < 2 or not (text[i - 2].isalnum() or text[i - 2] == '_'))
            i += 1
            while i < n:
                if escaped and text[i] == '\\':
                    i += 2
                    continue
                if text[i] == "'":
                    if i + 1 < n and text[i + 1] == "'":
                        i += 2
                        continue
                    break
                i += 1
            i += 1
            continue
        if c == '"':
            j = text.find('"', i + 1)
            i = n if j < 0 else j + 1
            continue
        if c == '$':
            m = re.match(r'\$([A-Za-z_][A-Za-z0-9_]*)?\$', text[i:])
            if m and not (i > 0 and (text[i - 1].isalnum() or text[i - 1] == '_')):
                tag = m.group(0)
                j = text.find(tag, i + len(tag))
                i = n if j < 0 else j + len(tag)
                continue
        if c == ';':
            stmts.append(text[start:i + 1])
            i = start = i + 1
            at_start = True
            continue
        i += 1
    rest = text[start:]
    if rest.strip():
        stmts.append(rest)
    return stmts


def strip_leading_comments(stmt):
    lines = stmt.split('\n')
    while lines and (not lines[0].strip() or lines[0].strip().startswith('--')):
        lines.pop(0)
    return '\n'.join(lines).strip()


def head(stmt):
    """The statement without comments, whitespace collapsed: for classifying it."""
    s = re.sub(r'--[^\n]*', ' ', stmt)
    return re.sub(r'\s+', ' ', s).strip()


def qname(name, default_schema='cp'):
    name = name.replace('"', '').lower()
    return name if '.' in name else default_schema + '.' + name


def paren_body(text, open_at):
    """Text between the parenthesis at open_at and its match."""
    depth, i = 0, open_at
    while i < len(text):
        c = text[i]
        if c == "'":
            j = text.find("'", i + 1)
            i = j + 1
            continue
        if c == '(':
            depth += 1
        elif c == ')':
            depth -= 1
            if depth == 0:
                return text[open_at + 1:i]
        i += 1
    return text[open_at + 1:]


def split_top(text, sep=','):
    out, depth, cur, i = [], 0, [], 0
    while i < len(text):
        c = text[i]
        if c == "'":
            j = text.find("'", i + 1)
            j = len(text) - 1 if j < 0 else j
            cur.append(text[i:j + 1])
            i = j + 1
            continue
        if c in '([':
            depth += 1
        elif c in ')]':
            depth -= 1
        if c == sep and depth == 0:
            out.append(''.join(cur))
            cur = []
        else:
            cur.append(c)
        i += 1
    if ''.join(cur).strip():
        out.append(''.join(cur))
    return out


TYPE_ALIASES = {
    'float8': 'double precision', 'float': 'double precision', 'float4': 'real', 'int': 'integer',
    'int4': 'integer', 'int8': 'bigint', 'int2': 'smallint', 'bool': 'boolean', 'varchar': 'character varying',
    'timestamptz': 'timestamp with time zone', 'timestamp': 'timestamp without time zone',
    'timetz': 'time with time zone', 'decimal': 'numeric', 'char': 'character', 'varbit': 'bit varying',
}
MULTIWORD_TYPE_STARTS = {'double', 'character', 'timestamp', 'time', 'bit', 'interval', 'national'}


def norm_type(t):
    t = re.sub(r'\s+', ' ', t.strip().lower().replace('"', ''))
    arr = ''
    while t.endswith('[]'):
        arr += '[]'
        t = t[:-2].strip()
    t = re.sub(r'\(.*\)', '', t).strip()          # typmods do not make a signature
    t = t.split('.')[-1]                           # the schema is not written in every statement
    return TYPE_ALIASES.get(t, t) + arr


def arg_types(arglist, with_names=True):
    """Identity argument types of a parameter list (OUT parameters left out), normalised."""
    types = []
    for arg in split_top(arglist):
        a = re.sub(r'--[^\n]*', ' ', arg)
        a = re.split(r'\s+DEFAULT\s+|\s*=\s*', a, maxsplit=1, flags=re.I)[0].strip()
        if not a:
            continue
        toks = a.split()
        mode = 'in'
        if toks[0].lower() in ('in', 'out', 'inout', 'variadic'):
            mode = toks[0].lower()
            toks = toks[1:]
        if mode == 'out':
            continue
        if with_names and len(toks) > 1 and toks[0].lower() not in MULTIWORD_TYPE_STARTS:
            toks = toks[1:]
        types.append(norm_type(' '.join(toks)))
    return tuple(types)


def sig_key(sig):
    """('cp.name', (types...)) of a description's function signature, e.g. cp.f(text,public.geometry)."""
    m = re.match(r'^(.*?)\((.*)\)$', sig)
    return qname(m.group(1)), arg_types(m.group(2), with_names=False)


class Statement:
    def __init__(self, file, pos, text):
        self.file, self.pos, self.text = file, pos, strip_leading_comments(text)
        self.head = head(self.text)
        self.kind, self.target, self.extra = classify(self.head)


def classify(h):
    """(kind, target, extra): target is a function key (name, types), a relation name, or None."""
    m = re.match(r'CREATE (?:OR REPLACE )?(FUNCTION|PROCEDURE) ([\w."]+) ?\(', h, re.I)
    if m:
        return 'create_function', (qname(m.group(2)), arg_types(paren_body(h, m.end() - 1))), None
    # a function created by dynamic SQL in a DO block (the definer functions of 40_heritage.sql,
    # which name PostGIS's schema): the DO block is its statement
    m = re.match(r'DO \$(\w*)\$.*?CREATE (?:OR REPLACE )?FUNCTION ([\w."]+) ?\(', h, re.I)
    if m:
        return 'create_function', (qname(m.group(2)), arg_types(paren_body(h, m.end() - 1))), 'do'
    m = re.match(r'(COMMENT ON|ALTER) (FUNCTION|PROCEDURE) ([\w."]+) ?\(', h, re.I)
    if m:
        kind = 'comment_function' if m.group(1).upper().startswith('COMMENT') else 'alter_function'
        return kind, (qname(m.group(3)), arg_types(paren_body(h, m.end() - 1))), None
    m = re.match(r'(GRANT|REVOKE) .*? ON (FUNCTION|PROCEDURE) ([\w."]+) ?\(', h, re.I)
    if m:
        return 'acl_function', (qname(m.group(3)), arg_types(paren_body(h, m.end() - 1))), None
    m = re.match(r'CREATE (?:OR REPLACE )?(?:TEMP |TEMPORARY )?(?:MATERIALIZED )?VIEW ([\w."]+)', h, re.I)
    if m:
        return 'create_view', qname(m.group(1)), None
    m = re.match(r'CREATE (?:UNLOGGED )?TABLE (?:IF NOT EXISTS )?([\w."]+)', h, re.I)
    if m:
        return 'create_table', qname(m.group(1)), None
    m = re.match(r'CREATE (?:UNIQUE )?INDEX (?:CONCURRENTLY )?(?:IF NOT EXISTS )?([\w"]+ )?ON (?:ONLY )?([\w."]+)', h, re.I)
    if m:
        name = m.group(1).strip().replace('"', '').lower() if m.group(1) else None
        return 'create_index', qname(m.group(2)), name
    m = re.match(r'CREATE (?:OR REPLACE )?(?:CONSTRAINT )?TRIGGER ([\w"]+) .*? ON ([\w."]+)', h, re.I)
    if m:
        return 'create_trigger', qname(m.group(2)), m.group(1).replace('"', '').lower()
    m = re.match(r'CREATE POLICY ([\w"]+) ON ([\w."]+)', h, re.I)
    if m:
        return 'create_policy', qname(m.group(2)), m.group(1).replace('"', '').lower()
    m = re.match(r'ALTER TABLE (?:ONLY )?(?:IF EXISTS )?([\w."]+)(.*)', h, re.I)
    if m:
        t = re.search(r'(?:ENABLE|DISABLE)(?: ALWAYS| REPLICA)? TRIGGER ([\w"]+)', m.group(2), re.I)
        return 'alter_table', qname(m.group(1)), (t.group(1).lower() if t else None)
    m = re.match(r'COMMENT ON (TABLE|VIEW|MATERIALIZED VIEW|SEQUENCE|INDEX|TYPE|SCHEMA) ([\w."]+)', h, re.I)
    if m:
        kind = m.group(1).lower()
        return 'comment', (qname(m.group(2)) if kind != 'schema' else m.group(2).lower()), kind
    m = re.match(r'COMMENT ON COLUMN ([\w."]+)\.([\w"]+) IS', h, re.I)
    if m:
        return 'comment', qname(m.group(1)), 'column ' + m.group(2).replace('"', '').lower()
    m = re.match(r'COMMENT ON (TRIGGER|POLICY|CONSTRAINT|RULE) ([\w"]+) ON ([\w."]+)', h, re.I)
    if m:
        return 'comment', qname(m.group(3)), m.group(1).lower() + ' ' + m.group(2).replace('"', '').lower()
    m = re.match(r'(GRANT|REVOKE) (.*?) ON (?:TABLE |SEQUENCE |ALL TABLES IN SCHEMA )?(.*?) (TO|FROM) ', h, re.I)
    if m and not re.match(r'(FUNCTION|PROCEDURE|SCHEMA) ', m.group(3), re.I):
        return 'acl', tuple(qname(x.strip()) for x in m.group(3).split(',')), None
    m = re.match(r'(GRANT|REVOKE) .*? ON SCHEMA ([\w"]+)', h, re.I)
    if m:
        return 'acl_schema', m.group(2).lower(), None
    m = re.search(r"pg_extension_config_dump\('([\w.\"]+)'", h, re.I)
    if m:
        return 'config_dump', qname(m.group(1)), None
    m = re.match(r'INSERT INTO ([\w."]+)', h, re.I)
    if m:
        return 'insert', qname(m.group(1)), None
    return 'other', None, None


def read_parts(parts_dir):
    stmts = []
    for name in sorted(os.listdir(parts_dir)):
        if not name.endswith('.sql'):
            continue
        with open(os.path.join(parts_dir, name), encoding='utf-8') as f:
            for pos, s in enumerate(split_statements(f.read())):
                st = Statement(name, pos, s)
                if st.text:
                    stmts.append(st)
    return stmts


# --- the draft ----------------------------------------------------------------------------------

class Draft:
    def __init__(self, old, new, old_rows, new_rows, stmts, frm, to):
        self.old, self.new, self.old_rows, self.new_rows = old, new, old_rows, new_rows
        self.stmts, self.frm, self.to = stmts, frm, to
        self.drops, self.selected, self.generated, self.todo, self.notes = [], OrderedDict(), [], [], []
        self.after_parts = []          # ALTER TABLE etc., placed after the statement they belong to
        self.covered_comments, self.covered_acls = set(), set()

    # which description object a parts COMMENT statement writes
    def comment_object(self, st):
        if st.kind == 'comment_function':
            sig = self.func_by_key.get(st.target)
            return 'function ' + sig if sig else None
        if st.kind != 'comment':
            return None
        if st.extra in ('table', 'view', 'materialized view', 'sequence', 'index', 'type'):
            return st.extra + ' ' + st.target
        if st.extra == 'schema':
            return 'schema ' + st.target
        word, name = st.extra.split(' ', 1)
        if word == 'column':
            for k in ('table', 'view', 'materialized view'):
                obj = 'column %s of %s %s' % (name, k, st.target)
                if obj in self.new['comment'] or obj in self.old['comment']:
                    return obj
            return 'column %s of table %s' % (name, st.target)
        return '%s %s on table %s' % (word, name, st.target)

    def select(self, st, replace=False):
        if st.pos is None:
            return
        key = (st.file, st.pos)
        if key in self.selected:
            return
        text = st.text
        if replace and st.kind == 'create_function':
            text = re.sub(r'^CREATE\s+FUNCTION' if st.extra != 'do' else r'CREATE\s+FUNCTION',
                          'CREATE OR REPLACE FUNCTION', text, count=1, flags=re.I)
        if replace and st.kind == 'create_view':
            text = re.sub(r'^CREATE\s+VIEW', 'CREATE OR REPLACE VIEW', text, count=1, flags=re.I)
        self.selected[key] = (st, text)
        obj = self.comment_object(st)
        if obj:
            self.covered_comments.add(obj)

    def build(self):
        old_f, new_f = self.old['function'], self.new['function']
        # function keys of the parts statements -> description signatures (by name when not overloaded)
        by_name = defaultdict(list)
        for sig in new_f:
            by_name[sig_key(sig)[0]].append(sig)
        self.func_by_key = {}
        for st in self.stmts:
            if st.kind in ('create_function', 'comment_function', 'acl_function', 'alter_function'):
                name, types = st.target
                sigs = by_name.get(name, [])
                match = [s for s in sigs if len(sigs) == 1 or sig_key(s)[1] == types]
                if match:
                    self.func_by_key[st.target] = match[0]
        stmts_of_sig = defaultdict(list)
        for st in self.stmts:
            sig = self.func_by_key.get(st.target) if isinstance(st.target, tuple) and st.kind.endswith('function') else None
            if sig:
                stmts_of_sig[sig].append(st)

        self.stmts_of_sig = stmts_of_sig
        self.dropped = self.drop_closure()
        self.recreate(self.dropped)

        # functions added, or changed in place
        for sig in sorted(new_f):
            if 'function ' + sig in self.dropped:
                continue
            o, n = old_f.get(sig), new_f[sig]
            if o == n and self.old['comment'].get('function ' + sig) == self.new['comment'].get('function ' + sig) \
                    and self.old['acl'].get('function ' + sig) == self.new['acl'].get('function ' + sig):
                continue
            sts = stmts_of_sig.get(sig)
            if not sts or not any(s.kind == 'create_function' for s in sts):
                self.todo.append('function %s differs but its CREATE FUNCTION was not found in sql/parts' % sig)
                continue
            if o is None:
                for s in sts:
                    self.select(s)
            else:
                for s in sts:
                    if s.kind == 'create_function' and o != n:
                        self.select(s, replace=True)
                    elif s.kind == 'comment_function' and \
                            self.old['comment'].get('function ' + sig) != self.new['comment'].get('function ' + sig):
                        self.select(s)
                    elif s.kind in ('acl_function', 'alter_function') and \
                            self.old['acl'].get('function ' + sig) != self.new['acl'].get('function ' + sig):
                        self.select(s)
            self.covered_acls.add('function ' + sig)

        self.relations()
        self.triggers_policies_indexes()
        self.config_dumps()
        self.members()

    def view_columns(self, desc, v):
        return sorted((int(desc['relation'][o]['position']), o, desc['relation'][o]['type'])
                      for o in desc['relation'] if o.endswith(' of ' + v) and o.startswith('column '))

    def drop_closure(self):
        """What must be dropped: functions removed or whose arguments, result or kind changed (CREATE OR
        REPLACE cannot change those), views removed or whose columns changed other than by appending,
        and, before them, everything that uses them (views, triggers, policies, functions returning a
        view's row type) in the old version. DROP statements go out users first."""
        old_f, new_f = self.old['function'], self.new['function']
        old_v, new_v = self.rel_objects(self.old, 'view'), self.rel_objects(self.new, 'view')
        roots = OrderedDict()
        for sig in sorted(set(old_f) - set(new_f)):
            roots['function ' + sig] = 'removed'
        for sig in sorted(set(old_f) & set(new_f)):
            changed = [a for a in ('arguments', 'result', 'kind') if old_f[sig].get(a) != new_f[sig].get(a)]
            if changed:
                roots['function ' + sig] = '%s changed: CREATE OR REPLACE cannot' % ', '.join(changed)
        for v in sorted(old_v - new_v):
            roots[v] = 'removed'
        for v in sorted(old_v & new_v):
            oc, nc = self.view_columns(self.old, v), self.view_columns(self.new, v)
            if oc != nc and nc[:len(oc)] != oc:
                roots[v] = 'its columns changed: CREATE OR REPLACE VIEW only appends'
        users = defaultdict(set)
        for section in ('relation', 'trigger', 'function'):
            for obj, attrs in self.old[section].items():
                for used in attrs.get('uses', ()):
                    users[used].add('function ' + obj if section == 'function' else obj)
        why = OrderedDict(roots)
        order, seen = [], set()

        def visit(x):
            if x in seen:
                return
            seen.add(x)
            for u in sorted(users.get(x, ())):
                why.setdefault(u, 'uses ' + x)
                visit(u)
            order.append(x)
        for r in roots:
            visit(r)
        for x in order:
            kind = x.split(' ')[0]
            if kind == 'function':
                stmt = 'DROP FUNCTION %s;' % x.split(' ', 1)[1]
            elif kind == 'view':
                stmt = 'DROP VIEW %s;' % x.split(' ', 1)[1]
            elif kind in ('trigger', 'policy'):
                name, rel = re.match(r'\w+ (\S+) on table (\S+)$', x).groups()
                stmt = 'DROP %s %s ON %s;' % (kind.upper(), name, rel)
            else:
                self.todo.append('%s %s: drop and re-create it around the change' % (x, why[x]))
                continue
            self.drops.append('%s  -- %s' % (stmt, why[x]))
        return OrderedDict((x, why[x]) for x in order)

    def recreate(self, dropped):
        """The statements of sql/parts that create again what was dropped and is still in the new version."""
        for x in dropped:
            kind = x.split(' ')[0]
            if kind == 'function':
                sig = x.split(' ', 1)[1]
                if sig not in self.new['function']:
                    continue
                sts = self.stmts_of_sig.get(sig, [])
                if not any(s.kind == 'create_function' for s in sts):
                    self.todo.append('%s was dropped but its CREATE FUNCTION was not found in sql/parts' % x)
                for s in sts:
                    self.select(s)
                self.covered_acls.add(x)
            elif kind == 'view':
                if x not in self.new['relation']:
                    continue
                sts = self.stmts_for(x.split(' ', 1)[1], ('create_view', 'comment', 'acl'))
                if not any(s.kind == 'create_view' for s in sts):
                    self.todo.append('%s was dropped but its CREATE VIEW was not found in sql/parts' % x)
                for s in sts:
                    self.select(s)
                self.covered_acls.add(x)
            elif kind in ('trigger', 'policy'):
                if x not in self.new['trigger' if kind == 'trigger' else 'relation']:
                    continue
                name, rel = re.match(r'\w+ (\S+) on table (\S+)$', x).groups()
                for s in self.stmts:
                    if s.target == rel and s.extra == name and s.kind in ('create_trigger', 'create_policy', 'alter_table'):
                        self.select(s)
                    if s.kind == 'comment' and s.target == rel and s.extra == kind + ' ' + name:
                        self.select(s)

    def rel_objects(self, desc, kind):
        return {o for o in desc['relation'] if o.startswith(kind + ' ') and ' of ' not in o and ' on table ' not in o}

    def stmts_for(self, rel, kinds):
        return [s for s in self.stmts if s.kind in kinds and (s.target == rel or (isinstance(s.target, tuple) and rel in s.target))]

    def relations(self):
        old_r, new_r = self.old['relation'], self.new['relation']
        # views added, or replaced in place (columns appended); dropped ones are re-created above
        old_v, new_v = self.rel_objects(self.old, 'view'), self.rel_objects(self.new, 'view')
        for v in sorted(new_v):
            if v in self.dropped:
                continue
            name = v.split(' ', 1)[1]
            changed = v not in old_v or old_r[v] != new_r[v] or \
                self.view_columns(self.old, v) != self.view_columns(self.new, v)
            if not changed:
                continue
            sts = self.stmts_for(name, ('create_view', 'comment', 'acl'))
            if not any(s.kind == 'create_view' for s in sts):
                self.todo.append('%s differs but its CREATE VIEW was not found in sql/parts' % v)
                continue
            for s in sts:
                self.select(s, replace=v in old_v)
            self.covered_acls.add(v)

        # tables
        old_t, new_t = self.rel_objects(self.old, 'table'), self.rel_objects(self.new, 'table')
        for t in sorted(old_t - new_t):
            self.drops.append('-- DROP TABLE %s;  -- TODO: its rows are user data; move them first' % t.split(' ', 1)[1])
        for t in sorted(new_t - old_t):
            name = t.split(' ', 1)[1]
            for s in self.stmts_for(name, ('create_table', 'comment', 'acl', 'create_index', 'create_trigger',
                                           'alter_table', 'create_policy', 'config_dump', 'insert')):
                self.select(s)
            self.covered_acls.add(t)
        for t in sorted(old_t & new_t):
            self.alter_table(t)

        # sequences
        old_s, new_s = self.rel_objects(self.old, 'sequence'), self.rel_objects(self.new, 'sequence')
        for s in sorted(old_s - new_s):
            if not old_r[s].get('owned by', '-').endswith('(i)'):    # an identity column's goes with its table
                self.drops.append('DROP SEQUENCE %s;' % s.split(' ', 1)[1])

    def alter_table(self, t):
        name = t.split(' ', 1)[1]
        old_r, new_r = self.old['relation'], self.new['relation']
        out = []
        oc = {o: old_r[o] for o in old_r if o.endswith(' of ' + t) and o.startswith('column ')}
        nc = {o: new_r[o] for o in new_r if o.endswith(' of ' + t) and o.startswith('column ')}
        col = lambda o: o.split(' ')[1]
        for o in sorted(set(nc) - set(oc), key=lambda o: int(nc[o]['position'])):
            a = nc[o]
            out.append('ALTER TABLE %s ADD COLUMN %s %s%s%s;' % (
                name, col(o), a['type'], '' if a['default'] == '-' else ' DEFAULT ' + a['default'],
                ' NOT NULL' if a['not null'] == 'true' else ''))
            if int(a['position']) <= len(oc):
                self.todo.append('%s: added in the middle of %s in sql/parts, but ADD COLUMN appends it; '
                                 'move it last in sql/parts (column order is part of the row type)' % (o, t))
        for o in sorted(set(oc) - set(nc)):
            out.append('-- ALTER TABLE %s DROP COLUMN %s;  -- TODO: drops user data' % (name, col(o)))
        for o in sorted(set(oc) & set(nc)):
            a, b = oc[o], nc[o]
            if a['type'] != b['type']:
                out.append('ALTER TABLE %s ALTER COLUMN %s TYPE %s;  -- TODO: check the conversion of user rows' % (name, col(o), b['type']))
            if a['default'] != b['default']:
                out.append('ALTER TABLE %s ALTER COLUMN %s %s;' % (
                    name, col(o), 'DROP DEFAULT' if b['default'] == '-' else 'SET DEFAULT ' + b['default']))
            if a['not null'] != b['not null']:
                out.append('ALTER TABLE %s ALTER COLUMN %s %s NOT NULL;' % (name, col(o), 'SET' if b['not null'] == 'true' else 'DROP'))
            if a['storage'] != b['storage']:
                st = {'p': 'PLAIN', 'e': 'EXTERNAL', 'm': 'MAIN', 'x': 'EXTENDED'}[b['storage']]
                out.append('ALTER TABLE %s ALTER COLUMN %s SET STORAGE %s;' % (name, col(o), st))
            for k in ('identity', 'generated', 'collation', 'statistics target', 'compression', 'options'):
                if a.get(k) != b.get(k):
                    self.todo.append('%s: %s %s -> %s' % (o, k, a.get(k), b.get(k)))
            if a['position'] != b['position'] and (set(oc) == set(nc)):
                self.todo.append('%s: position %s -> %s' % (o, a['position'], b['position']))
        ok = {o: old_r[o] for o in old_r if o.startswith('constraint ') and o.endswith(' on ' + t)}
        nk = {o: new_r[o] for o in new_r if o.startswith('constraint ') and o.endswith(' on ' + t)}
        cname = lambda o: o.split(' ')[1]
        for o in sorted(set(ok) - set(nk)):
            out.append('ALTER TABLE %s DROP CONSTRAINT %s;' % (name, cname(o)))
        for o in sorted(set(nk)):
            if o in ok and ok[o] == nk[o]:
                continue
            if o in ok:
                out.append('ALTER TABLE %s DROP CONSTRAINT %s;' % (name, cname(o)))
            out.append('ALTER TABLE %s ADD CONSTRAINT %s %s;' % (name, cname(o), nk[o]['definition']))
        a, b = old_r[t], new_r[t]
        if a.get('row level security') != b.get('row level security'):
            out.append('ALTER TABLE %s %s ROW LEVEL SECURITY;' % (name, 'ENABLE' if b['row level security'] == 'true' else 'DISABLE'))
        if a.get('force row level security') != b.get('force row level security'):
            out.append('ALTER TABLE %s %sFORCE ROW LEVEL SECURITY;' % (name, '' if b['force row level security'] == 'true' else 'NO '))
        for k in ('kind', 'persistence', 'options', 'replica identity', 'owner', 'access method'):
            if a.get(k) != b.get(k):
                self.todo.append('%s: %s %s -> %s' % (t, k, a.get(k), b.get(k)))
        if out:
            create = [s for s in self.stmts if s.kind == 'create_table' and s.target == name]
            self.after_parts.append(((create[0].file, create[0].pos) if create else ('~', 0),
                                     '-- %s changed (from the descriptions; CREATE TABLE in sql/parts/%s)\n%s'
                                     % (t, create[0].file if create else '?', '\n'.join(out))))

    def triggers_policies_indexes(self):
        ot, nt = self.old['trigger'], self.new['trigger']
        for g in sorted(set(ot) - set(nt)):
            if g not in self.dropped:
                self.drops.append('DROP TRIGGER %s ON %s;' % re.match(r'trigger (\S+) on table (\S+)', g).groups())
        for g in sorted(nt):
            if ot.get(g) == nt[g]:
                continue
            tname, rel = re.match(r'trigger (\S+) on table (\S+)', g).groups()
            if g in ot and g not in self.dropped:
                self.drops.append('DROP TRIGGER %s ON %s;  -- changed' % (tname, rel))
            for s in self.stmts:
                if s.target == rel and s.extra == tname and s.kind in ('create_trigger', 'alter_table'):
                    self.select(s)
                if s.kind == 'comment' and s.target == rel and s.extra == 'trigger ' + tname:
                    self.select(s)
        for kind, create in (('policy', 'create_policy'), ('index', 'create_index')):
            oo = {o: v for o, v in self.old['relation'].items() if o.startswith(kind + ' ')}
            no = {o: v for o, v in self.new['relation'].items() if o.startswith(kind + ' ')}
            # an index that belongs to a constraint comes and goes with ALTER TABLE ... ADD/DROP CONSTRAINT
            con_index = lambda d, o: any(c.startswith('constraint %s on ' % o.split('.')[-1]) for c in d['relation'])
            for o in sorted(set(oo) - set(no)):
                if kind == 'policy':
                    if o not in self.dropped:
                        self.drops.append('DROP POLICY %s ON %s;' % re.match(r'policy (\S+) on table (\S+)', o).groups())
                elif not con_index(self.old, o):
                    self.drops.append('DROP INDEX %s;' % o.split(' ', 1)[1])
            for o in sorted(no):
                if oo.get(o) == no[o]:
                    continue
                if kind == 'policy':
                    pname, rel = re.match(r'policy (\S+) on table (\S+)', o).groups()
                    if o in oo and o not in self.dropped:
                        self.drops.append('DROP POLICY %s ON %s;  -- changed' % (pname, rel))
                    found = [s for s in self.stmts if s.kind == create and s.target == rel and s.extra == pname]
                else:
                    if con_index(self.new, o) or con_index(self.old, o):
                        continue
                    iname = o.split(' ', 1)[1].split('.')[-1]
                    if o in oo:
                        self.drops.append('DROP INDEX %s;  -- changed' % o.split(' ', 1)[1])
                    found = [s for s in self.stmts if s.kind == create and s.extra == iname]
                for s in found:
                    self.select(s)
                if not found:
                    rel_new = any(s.kind == 'create_table' and (s.file, s.pos) in self.selected for s in self.stmts
                                  if o.endswith(s.target or '~'))
                    if not rel_new:
                        self.todo.append('%s differs but its statement was not found in sql/parts' % o)

    def config_dumps(self):
        oe = self.old['extension'].get('extension community_planning', {})
        ne = self.new['extension'].get('extension community_planning', {})
        for k in sorted(ne):
            if k.startswith('config dump ') and oe.get(k) != ne[k]:
                rel = k[len('config dump '):]
                if any(s.kind == 'create_table' and s.target == rel and (s.file, s.pos) in self.selected for s in self.stmts):
                    continue
                self.generated.append("SELECT pg_catalog.pg_extension_config_dump('%s', %s);" % (rel, literal(ne[k])))
        for k in sorted(oe):
            if k.startswith('config dump ') and k not in ne:
                self.todo.append('%s is no longer config-dumped: ALTER EXTENSION ... DROP and ADD the table, '
                                 'or drop the table' % k[len('config dump '):])

    def members(self):
        # types and sequences: rare enough to be written by hand
        for section, prefix in (('type', ''), ('relation', 'sequence ')):
            o, n = self.old[section], self.new[section]
            for obj in sorted(set(o) | set(n)):
                if obj.startswith(prefix) and o.get(obj) != n.get(obj) and not n.get(obj, {}).get('owned by', '').endswith('(i)'):
                    self.todo.append('%s differs: %s -> %s' % (obj, o.get(obj), n.get(obj)))
        om, nm = self.old['member'], self.new['member']
        for o in sorted(set(om) | set(nm)):
            a, b = om.get(o), nm.get(o)
            if a == b:
                continue
            if o.split(' ')[0] in ('function', 'table', 'view', 'sequence') and (a is None or b is None):
                continue    # dropped or created above; created objects join the extension by themselves
            self.todo.append('membership of %s: %s -> %s' % (o, a, b))

    # shipped catalogue rows
    def shipped(self):
        out = []
        tables = sorted(set(self.old_rows) | set(self.new_rows), key=self.table_order)
        new_tables = {s.target for s in self.stmts if s.kind == 'create_table' and (s.file, s.pos) in self.selected}
        inserts, deletes = [], []
        for t in tables:
            if t in new_tables:
                continue    # its INSERTs come with its CREATE TABLE
            o = [json.loads(r) for r in self.old_rows.get(t, [])]
            n = [json.loads(r) for r in self.new_rows.get(t, [])]
            if sorted(map(json.dumps, o)) == sorted(map(json.dumps, n)):
                continue
            key = self.key_columns(t)
            pred = self.shipped_predicate(t)
            kf = lambda r: tuple(json.dumps(r.get(c)) for c in key) if key else json.dumps(r, sort_keys=True)
            om, nmap = {kf(r): r for r in o}, {kf(r): r for r in n}
            where = lambda r: ' AND '.join('t.%s IS NOT DISTINCT FROM r.%s' % (c, c) for c in key) if key else 'to_jsonb(t) = to_jsonb(r)'
            for k in [k for k in om if k not in nmap]:
                r = om[k]
                deletes.append('DELETE FROM %s t WHERE %s AND EXISTS (SELECT 1 FROM jsonb_populate_record(NULL::%s, %s) r WHERE %s);'
                               % (t, pred, t, dollar(json.dumps(r, ensure_ascii=False)), where(r)))
            for k in [k for k in nmap if k in om and nmap[k] != om[k]]:
                r, before = nmap[k], om[k]
                cols = [c for c in r if r.get(c) != before.get(c)]
                out.append('UPDATE %s t SET (%s) = (SELECT %s FROM jsonb_populate_record(NULL::%s, %s) r)\n'
                           ' WHERE %s AND EXISTS (SELECT 1 FROM jsonb_populate_record(NULL::%s, %s) r WHERE %s);'
                           % (t, ', '.join(cols), ', '.join('r.' + c for c in cols), t,
                              dollar(json.dumps(r, ensure_ascii=False)), pred, t,
                              dollar(json.dumps({c: r.get(c) for c in key} if key else r, ensure_ascii=False)), where(r)))
            for k in [k for k in nmap if k not in om]:
                inserts.append('INSERT INTO %s SELECT * FROM jsonb_populate_record(NULL::%s, %s);'
                               % (t, t, dollar(json.dumps(nmap[k], ensure_ascii=False))))
                if key:
                    self.notes.append('a user row of %s with the key (%s) of a new shipped row would collide: '
                                      'check before releasing' % (t, ', '.join(key)))
        body = list(reversed(deletes)) + out + inserts
        if not body:
            return []
        return (['-- Shipped catalogue rows: the guard cp.protect_shipped() lets the script change them while',
                 '-- cp.catalogue_maintenance is on (30_standards.sql); every statement names shipped rows only,',
                 '-- so user rows are never touched.',
                 "SELECT pg_catalog.set_config('cp.catalogue_maintenance', 'on', true);"]
                + body + ["SELECT pg_catalog.set_config('cp.catalogue_maintenance', 'off', true);"])

    def table_order(self, t):
        for i, s in enumerate(self.stmts):
            if s.kind == 'create_table' and s.target == t:
                return i
        return len(self.stmts)

    def key_columns(self, t):
        defs = [v.get('definition', '') for o, v in self.new['relation'].items()
                if o.startswith('constraint ') and o.endswith(' on table ' + t)]
        for prefix in ('PRIMARY KEY', 'UNIQUE'):
            for d in defs:
                m = re.match(prefix + r'(?: NULLS NOT DISTINCT)? \((.*)\)$', d)
                if m:
                    return [c.strip().strip('"') for c in m.group(1).split(',')]
        return []

    def shipped_predicate(self, t):
        cond = self.new['extension'].get('extension community_planning', {}).get('config dump ' + t)
        if cond is None:
            return 'true'
        return 'NOT (%s)' % re.sub(r'^\s*WHERE\s+', '', cond, flags=re.I)

    # comments and privileges not written by the statements above
    def comments_acls(self):
        out = []
        oc, nc = self.old['comment'], self.new['comment']
        for o in sorted(set(oc) | set(nc)):
            a, b = oc.get(o, {}).get('comment'), nc.get(o, {}).get('comment')
            if a == b or o in self.covered_comments or o.startswith('extension '):
                continue
            target = comment_target(o)
            if target is None:
                self.todo.append('comment on %s differs' % o)
                continue
            if b is None and not self.exists_new(o):
                continue    # the object is gone
            out.append('COMMENT ON %s IS %s;' % (target, 'NULL' if b is None else literal(unescape(b))))
        oa, na = self.old['acl'], self.new['acl']
        for o in sorted(set(oa) | set(na)):
            if o in self.covered_acls:
                continue
            a = oa.get(o, {}).get('privileges')
            b = na.get(o, {}).get('privileges')
            if a == b or b is None:
                continue
            target = acl_target(o)
            if target is None:
                self.todo.append('privileges on %s differ: %s -> %s' % (o, a, b))
                continue
            ea = set((a or '').split(', ')) - {''}
            eb = set(b.split(', ')) - {''}
            if a is None:
                ea = default_acl(o)
            for sign, entries in (('GRANT', eb - ea), ('REVOKE', ea - eb)):
                by_who = defaultdict(list)
                for e in sorted(entries):
                    who, priv = e.split('=', 1)
                    if who != 'OWNER':
                        by_who[who].append(priv.rstrip('*'))
                for who, privs in sorted(by_who.items()):
                    line = '%s %s ON %s %s %s;' % (sign, ', '.join(privs), target, 'TO' if sign == 'GRANT' else 'FROM', who)
                    if who.startswith('cp_'):
                        line = '-- ' + line + '  -- capability role: cp._grant_roles() below grants; revoke only if the role exists'
                    out.append(line)
        return out

    def exists_new(self, o):
        return any(o in self.new[s] for s in ('function', 'relation', 'trigger', 'member'))

    def render(self):
        if self.frm == self.to:     # OLD was upgraded already: what its script still lacks
            first = '-- DRAFT: what an upgraded database still lacks against a fresh %s: add it to the upgrade script;' % self.to
        else:
            first = '-- DRAFT: community_planning %s -> %s, written by tools/upgrade-diff.sh --statements;' % (self.frm, self.to)
        lines = [first,
                 '-- DRAFT: read every statement, complete the TODOs, remove these DRAFT lines, run test/upgrade/run.sh.',
                 '',
                 '\\echo Use "ALTER EXTENSION community_planning UPDATE TO \'%s\'" to load this file. \\quit' % self.to,
                 '',
                 "-- The install script's search_path convention (00_header.sql): functions created below with",
                 '-- SET search_path FROM CURRENT pin the same trusted path as a fresh install.',
                 "SELECT pg_catalog.set_config('search_path', 'pg_catalog, cp, ' || cp._postgis_schema() || ', pg_temp', true);",
                 '']
        if self.drops:
            lines += ['-- What went away, or cannot be replaced in place (re-created below).'] + self.drops + ['']
        placed = defaultdict(list)
        for pos, text in self.after_parts:
            placed[pos].append(text)
        cur_file = None
        for key in sorted(set(self.selected) | set(placed)):
            if key in self.selected:
                st, text = self.selected[key]
                if st.file != cur_file:
                    lines += ['', '-- from sql/parts/%s' % st.file]
                    cur_file = st.file
                lines.append(text)
            for text in placed.get(key, []):
                lines += [text]
        shipped = self.shipped()
        ca = self.comments_acls()
        if self.generated:
            lines += ['', '-- Config-dump registrations (pg_extension_config_dump: what pg_dump keeps)'] + self.generated
        if shipped:
            lines += [''] + shipped
        if ca:
            lines += ['', '-- Comments and privileges that differ otherwise (from the fresh install)'] + ca
        lines += ['', '-- Objects created above get the capability roles\' privileges, as at CREATE EXTENSION (70_roles.sql).',
                  'DO $$ BEGIN PERFORM cp._grant_roles(); END $$;']
        if self.todo or self.notes:
            lines += ['']
            lines += ['-- TODO: ' + t for t in self.todo]
            lines += ['-- NOTE: ' + t for t in sorted(set(self.notes))]
        return '\n'.join(lines) + '\n'


def comment_target(o):
    m = re.match(r'(function|table|view|materialized view|sequence|index|schema|type) (.+)$', o)
    if m and ' of ' not in o and ' on table ' not in o:
        return '%s %s' % (m.group(1).upper(), m.group(2))
    m = re.match(r'column (\S+) of (?:table|view|materialized view) (\S+)$', o)
    if m:
        return 'COLUMN %s.%s' % (m.group(2), m.group(1))
    m = re.match(r'(trigger|policy|constraint|rule) (\S+) on table (\S+)$', o)
    if m:
        return '%s %s ON %s' % (m.group(1).upper(), m.group(2), m.group(3))
    return None


def acl_target(o):
    m = re.match(r'(function|table|view|sequence|schema) (.+)$', o)
    if m:
        kind = {'view': 'TABLE'}.get(m.group(1), m.group(1).upper())
        return '%s %s' % (kind, m.group(2))
    return None


def default_acl(o):
    if o.startswith('function '):
        return {'OWNER=EXECUTE', 'PUBLIC=EXECUTE'}
    return set()


def main():
    ap = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    ap.add_argument('old')
    ap.add_argument('new')
    ap.add_argument('--parts', default='sql/parts')
    ap.add_argument('--from', dest='frm', default='A')
    ap.add_argument('--to', default='B')
    a = ap.parse_args()
    old, old_rows = read_description(a.old)
    new, new_rows = read_description(a.new)
    d = Draft(old, new, old_rows, new_rows, read_parts(a.parts), a.frm, a.to)
    d.build()
    sys.stdout.write(d.render())


if __name__ == '__main__':
    main()
