# SPDX-License-Identifier: GPL-2.0-or-later
#
# Reads Plimsoll's QAPI schema files and builds the model the code
# generators walk.
#
# The schema language is QEMU's (documented in QEMU's
# docs/devel/qapi-code-gen.rst): one JSON-like expression per definition,
# single-quoted strings, '#' comments, and "##" doc blocks in front of
# every definition.  Supported: include, enum, struct (with base), union
# (flat, with base and discriminator), alternate, command (data, returns,
# boxed, gen, allow-preconfig) and event.  Not supported, because nothing
# here needs them: 'if' conditions, features, pragmas, OOB.
#
# Every definition must carry a doc block that names it ("# @Name:") and
# documents each of its members ("# @member:"); the build fails otherwise.

import os
import re
import sys


class SchemaError(Exception):
    pass


BUILTINS = {
    # name: (C type, JSON type for introspection)
    'str': ('char *', 'string'),
    'int': ('int64_t', 'int'),
    'int8': ('int8_t', 'int'),
    'int16': ('int16_t', 'int'),
    'int32': ('int32_t', 'int'),
    'int64': ('int64_t', 'int'),
    'uint8': ('uint8_t', 'int'),
    'uint16': ('uint16_t', 'int'),
    'uint32': ('uint32_t', 'int'),
    'uint64': ('uint64_t', 'int'),
    'size': ('uint64_t', 'int'),
    'number': ('double', 'number'),
    'bool': ('bool', 'boolean'),
    'null': ('bool', 'null'),
    'any': ('struct json_object *', 'value'),
}

C_KEYWORDS = {
    'auto', 'break', 'case', 'char', 'const', 'continue', 'default', 'do',
    'double', 'else', 'enum', 'extern', 'float', 'for', 'goto', 'if', 'int',
    'long', 'register', 'return', 'short', 'signed', 'sizeof', 'static',
    'struct', 'switch', 'typedef', 'union', 'unsigned', 'void', 'volatile',
    'while', 'inline', 'restrict', 'bool', 'true', 'false', 'errno',
    'unix', 'linux',
}


def c_name(name):
    """A schema name as a C identifier: '-' and '.' become '_'."""
    out = re.sub(r'[^A-Za-z0-9_]', '_', name)
    if out in C_KEYWORDS or out[0].isdigit():
        out = 'q_' + out
    return out


def camel_to_upper(name):
    """'BlockDeviceIoStatus' -> 'BLOCK_DEVICE_IO_STATUS'."""
    out = ''
    for i, ch in enumerate(name):
        if ch.isupper() and i > 0:
            prev = name[i - 1]
            nxt = name[i + 1] if i + 1 < len(name) else ''
            if prev.islower() or prev.isdigit() or \
               (prev.isupper() and nxt.islower()):
                out += '_'
        out += ch
    return c_name(out).upper()


# --------------------------------------------------------------------------
# Reading: a small tokenizer for the Python-literal-like syntax.
# --------------------------------------------------------------------------

TOKEN_RE = re.compile(r"""
    (?P<ws>[ \t\r\n]+)
  | (?P<comment>\#[^\n]*)
  | (?P<str>'(?:[^'\\\n]|\\.)*')
  | (?P<punct>[{}\[\]:,])
  | (?P<word>true|false)
""", re.VERBOSE)


class Reader:
    def __init__(self, path):
        self.path = path
        with open(path, encoding='utf-8') as f:
            self.text = f.read()
        self.pos = 0

    def error(self, msg):
        line = self.text.count('\n', 0, self.pos) + 1
        raise SchemaError('%s:%d: %s' % (self.path, line, msg))

    def tokens(self):
        """Yields (kind, value, pos, doc) for each token; doc is the
        '##' block right before a top-level expression."""
        doc = None
        block = None
        while self.pos < len(self.text):
            m = TOKEN_RE.match(self.text, self.pos)
            if not m:
                self.error("stray character %r" % self.text[self.pos])
            kind = m.lastgroup
            val = m.group(kind)
            start = self.pos
            self.pos = m.end()
            if kind == 'ws':
                continue
            if kind == 'comment':
                if val == '##':
                    if block is None:
                        block = []
                    else:
                        doc = block
                        block = None
                elif block is not None:
                    block.append(val[1:].strip() if len(val) > 1 else '')
                continue
            yield kind, val, start, doc
            doc = None

    def expressions(self):
        toks = self.tokens()
        out = []
        for kind, val, pos, doc in toks:
            if val != '{':
                self.pos = pos
                self.error("expected '{' at top level")
            expr = self._value(toks, kind, val)
            out.append((expr, doc, self.text.count('\n', 0, pos) + 1))
        return out

    def _value(self, toks, kind, val):
        if kind == 'str':
            return val[1:-1].replace("\\'", "'").replace('\\\\', '\\')
        if kind == 'word':
            return val == 'true'
        if val == '{':
            obj = {}
            k, v, _, _ = next(toks)
            while v != '}':
                if k != 'str':
                    self.error('expected a key string')
                key = self._value(toks, k, v)
                if next(toks)[1] != ':':
                    self.error("expected ':'")
                k2, v2, _, _ = next(toks)
                if key in obj:
                    self.error("duplicate key '%s'" % key)
                obj[key] = self._value(toks, k2, v2)
                k, v, _, _ = next(toks)
                if v == ',':
                    k, v, _, _ = next(toks)
                elif v != '}':
                    self.error("expected ',' or '}'")
            return obj
        if val == '[':
            arr = []
            k, v, _, _ = next(toks)
            while v != ']':
                arr.append(self._value(toks, k, v))
                k, v, _, _ = next(toks)
                if v == ',':
                    k, v, _, _ = next(toks)
                elif v != ']':
                    self.error("expected ',' or ']'")
            return arr
        self.error('unexpected %r' % val)


# --------------------------------------------------------------------------
# The model.
# --------------------------------------------------------------------------

class Member:
    def __init__(self, name, typename, optional):
        self.name = name
        self.typename = typename
        self.optional = optional
        self.type = None

    @property
    def c(self):
        return c_name(self.name)


class Type:
    meta = None

    def __init__(self, name, info):
        self.name = name
        self.info = info

    @property
    def c(self):
        return c_name(self.name)

    def is_builtin(self):
        return False


class Builtin(Type):
    meta = 'builtin'

    def __init__(self, name):
        super().__init__(name, None)
        self.ctype, self.json_type = BUILTINS[name]

    def is_builtin(self):
        return True


class Enum(Type):
    meta = 'enum'

    def __init__(self, name, info, values, prefix=None):
        super().__init__(name, info)
        self.values = values
        self.prefix = prefix or camel_to_upper(name)

    def const(self, value):
        return '%s_%s' % (self.prefix, c_name(value).upper())


class Array(Type):
    meta = 'array'

    def __init__(self, element):
        super().__init__(element.name + 'List', None)
        self.element = element


class Object(Type):
    """A struct, a flat union, or the implicit type of inline command or
    event arguments."""
    meta = 'object'

    def __init__(self, name, info, members, base=None, tag=None,
                 variants=None, implicit=False):
        super().__init__(name, info)
        self.own_members = members
        self.basename = base
        self.base = None
        self.tag = tag
        self.variants = variants or []    # [(case, typename, type)]
        self.implicit = implicit

    def all_members(self):
        base = self.base.all_members() if self.base else []
        return base + self.own_members

    def tag_member(self):
        for m in self.all_members():
            if m.name == self.tag:
                return m
        return None


class Alternate(Type):
    meta = 'alternate'

    def __init__(self, name, info, branches):
        super().__init__(name, info)
        self.branches = branches          # [Member]


def module_of(info):
    """'dir/block-core.json:12' -> 'block-core'."""
    return os.path.basename(info.split(':')[0])[:-len('.json')]


class Command:
    def __init__(self, name, info, args, ret, boxed, gen, preconfig):
        self.name = name
        self.info = info
        self.module = module_of(info)
        self.args = args                  # Object or None
        self.ret = ret                    # Type or None
        self.boxed = boxed
        self.gen = gen
        self.preconfig = preconfig

    @property
    def c(self):
        return c_name(self.name)


class Event:
    def __init__(self, name, info, args, boxed):
        self.name = name
        self.info = info
        self.args = args
        self.boxed = boxed

    @property
    def c(self):
        return c_name(self.name)


class Schema:
    def __init__(self, root):
        self.types = {name: Builtin(name) for name in BUILTINS}
        self.order = []                   # user-defined types, in order
        self.commands = []
        self.events = []
        self.modules = []
        self._load(os.path.abspath(root), set())
        self._resolve()

    # ---- loading ----
    def _load(self, path, seen):
        if path in seen:
            return
        seen.add(path)
        self.modules.append(path)
        reader = Reader(path)
        for expr, doc, line in reader.expressions():
            info = '%s:%d' % (path, line)
            if 'include' in expr:
                self._load(os.path.join(os.path.dirname(path),
                                        expr['include']), seen)
                continue
            self._define(expr, doc, info)

    def _members(self, data, info):
        if not isinstance(data, dict):
            raise SchemaError('%s: members must be an object' % info)
        out = []
        for key, typ in data.items():
            opt = key.startswith('*')
            out.append(Member(key[1:] if opt else key, typ, opt))
        return out

    def _add_type(self, t):
        if t.name in self.types:
            raise SchemaError('%s: %s defined twice' % (t.info, t.name))
        self.types[t.name] = t
        self.order.append(t)

    def _check_doc(self, name, doc, info, members):
        if doc is None or not doc or doc[0] != '@%s:' % name:
            raise SchemaError('%s: %s lacks a doc block starting with '
                              '"# @%s:"' % (info, name, name))
        text = '\n'.join(doc)
        for m in members:
            if not re.search(r'^@%s:' % re.escape(m), text, re.M):
                raise SchemaError('%s: member %s of %s is not documented'
                                  % (info, m, name))

    def _implicit(self, owner, data, info):
        if data is None:
            return None
        if isinstance(data, str):
            return data
        name = 'q_obj_%s-arg' % owner
        self._add_type(Object(name, info, self._members(data, info),
                              implicit=True))
        return name

    def _define(self, expr, doc, info):
        if 'enum' in expr:
            name = expr['enum']
            self._check_doc(name, doc, info, expr['data'])
            self._add_type(Enum(name, info, expr['data'], expr.get('prefix')))
        elif 'struct' in expr:
            name = expr['struct']
            mem = self._members(expr['data'], info)
            self._check_doc(name, doc, info, [m.name for m in mem])
            self._add_type(Object(name, info, mem, base=expr.get('base')))
        elif 'union' in expr:
            name = expr['union']
            base = expr['base']
            mem = []
            if isinstance(base, dict):
                mem = self._members(base, info)
                base = None
            self._check_doc(name, doc, info, [m.name for m in mem])
            variants = [(case, t, None) for case, t in expr['data'].items()]
            self._add_type(Object(name, info, mem, base=base,
                                  tag=expr['discriminator'],
                                  variants=variants))
        elif 'alternate' in expr:
            name = expr['alternate']
            mem = self._members(expr['data'], info)
            self._check_doc(name, doc, info, [m.name for m in mem])
            self._add_type(Alternate(name, info, mem))
        elif 'command' in expr:
            name = expr['command']
            data = expr.get('data')
            argnames = list(data) if isinstance(data, dict) else []
            self._check_doc(name, doc, info,
                            [a.lstrip('*') for a in argnames])
            args = self._implicit(name, data, info)
            self.commands.append(Command(
                name, info, args, expr.get('returns'),
                expr.get('boxed', False), expr.get('gen', True),
                expr.get('allow-preconfig', False)))
        elif 'event' in expr:
            name = expr['event']
            data = expr.get('data')
            argnames = list(data) if isinstance(data, dict) else []
            self._check_doc(name, doc, info,
                            [a.lstrip('*') for a in argnames])
            args = self._implicit(name, data, info)
            self.events.append(Event(name, info, args,
                                     expr.get('boxed', False)))
        else:
            raise SchemaError('%s: unknown definition %r' % (info, expr))

    # ---- resolving names to types ----
    def lookup(self, typ, info):
        if isinstance(typ, list):
            if len(typ) != 1:
                raise SchemaError('%s: array types take one element' % info)
            elem = self.lookup(typ[0], info)
            name = elem.name + 'List'
            if name not in self.types:
                self.types[name] = Array(elem)
            return self.types[name]
        if typ not in self.types:
            raise SchemaError('%s: unknown type %s' % (info, typ))
        return self.types[typ]

    def _resolve(self):
        for t in list(self.order):
            if isinstance(t, Object):
                for m in t.own_members:
                    m.type = self.lookup(m.typename, t.info)
                if t.basename:
                    t.base = self.lookup(t.basename, t.info)
                t.variants = [(c, n, self.lookup(n, t.info))
                              for c, n, _ in t.variants]
            elif isinstance(t, Alternate):
                for m in t.branches:
                    m.type = self.lookup(m.typename, t.info)
        for t in self.order:
            if isinstance(t, Object) and t.tag:
                tm = t.tag_member()
                if tm is None or not isinstance(tm.type, Enum) or tm.optional:
                    raise SchemaError('%s: discriminator %s must be a '
                                      'mandatory enum member'
                                      % (t.info, t.tag))
                for case, _, _ in t.variants:
                    if case not in tm.type.values:
                        raise SchemaError('%s: %s is not a value of %s'
                                          % (t.info, case, tm.type.name))
        for c in self.commands + self.events:
            if c.args is not None:
                c.args = self.lookup(c.args, c.info)
            if isinstance(c, Command) and c.ret is not None:
                c.ret = self.lookup(c.ret, c.info)

    def module_names(self):
        return [os.path.basename(p)[:-len('.json')] for p in self.modules]

    def arrays(self):
        return [t for t in self.types.values() if isinstance(t, Array)]


def load(path):
    try:
        return Schema(path)
    except SchemaError as e:
        sys.stderr.write('qapi-gen: %s\n' % e)
        sys.exit(1)
