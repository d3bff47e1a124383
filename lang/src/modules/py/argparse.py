"""argparse: ArgumentParser for the common cases (positionals, --options with type/default/
choices/nargs, store_true/count/append, -h help and usage errors) printed as CPython prints them."""

import sys as _sys
import os as _os

SUPPRESS = '==SUPPRESS=='
OPTIONAL = '?'
ZERO_OR_MORE = '*'
ONE_OR_MORE = '+'


class Namespace:
    def __init__(self, **kwargs):
        for name in kwargs:
            _set(self, name, kwargs[name])

    def _get_kwargs(self):
        d = self.__dict__
        order = d.get('_Namespace__order', [])
        keys = [k for k in order if k in d]
        keys += sorted(k for k in d if k not in order and k != '_Namespace__order')
        return [(k, d[k]) for k in keys]

    def __repr__(self):
        return 'Namespace(%s)' % ', '.join('%s=%r' % (k, v) for k, v in self._get_kwargs())

    def __eq__(self, other):
        if not isinstance(other, Namespace):
            return NotImplemented
        return dict(self._get_kwargs()) == dict(other._get_kwargs())

    def __contains__(self, key):
        return key in self.__dict__ and key != '_Namespace__order'


def _set(ns, name, value):
    """setattr that remembers the order (socklab's instance dicts are unordered)."""
    setattr(ns, name, value)
    d = ns.__dict__
    if '_Namespace__order' not in d:
        ns._Namespace__order = []
    order = ns._Namespace__order
    if name not in order:
        order.append(name)


class ArgumentError(Exception):
    def __init__(self, argument, message):
        self.argument_name = _action_name(argument)
        self.message = message
        Exception.__init__(self, self.__str__())

    def __str__(self):
        if self.argument_name is None:
            return self.message
        return 'argument %s: %s' % (self.argument_name, self.message)


class ArgumentTypeError(Exception):
    pass


def _action_name(action):
    if action is None:
        return None
    if action.option_strings:
        return '/'.join(action.option_strings)
    if action.metavar not in (None, SUPPRESS):
        return action.metavar
    if action.dest not in (None, SUPPRESS):
        return action.dest
    return None


class Action:
    def __init__(self, option_strings, dest, nargs=None, const=None, default=None, type=None,
                 choices=None, required=False, help=None, metavar=None, action='store', version=None):
        self.option_strings = option_strings
        self.dest = dest
        self.nargs = nargs
        self.const = const
        self.default = default
        self.type = type
        self.choices = choices
        self.required = required
        self.help = help
        self.metavar = metavar
        self.action = action
        self.version = version


class FileType:
    def __init__(self, mode='r', bufsize=-1, encoding=None, errors=None):
        self._mode = mode

    def __call__(self, string):
        if string == '-':
            return _sys.stdin if 'r' in self._mode else _sys.stdout
        return open(string, self._mode)


class HelpFormatter:
    def __init__(self, prog, indent_increment=2, max_help_position=24, width=None):
        self._prog = prog


RawDescriptionHelpFormatter = HelpFormatter
RawTextHelpFormatter = HelpFormatter
ArgumentDefaultsHelpFormatter = HelpFormatter


class _ArgumentGroup:
    def __init__(self, parser, title):
        self._parser = parser
        self.title = title
        self._actions = []

    def add_argument(self, *args, **kwargs):
        action = self._parser.add_argument(*args, **kwargs)
        self._parser._positionals._actions.remove(action) if action in self._parser._positionals._actions else None
        if action in self._parser._optionals._actions:
            self._parser._optionals._actions.remove(action)
        self._actions.append(action)
        return action


class ArgumentParser:
    def __init__(self, prog=None, usage=None, description=None, epilog=None, parents=(),
                 formatter_class=HelpFormatter, prefix_chars='-', fromfile_prefix_chars=None,
                 argument_default=None, conflict_handler='error', add_help=True,
                 allow_abbrev=True, exit_on_error=True):
        if prog is None:
            prog = _os.path.basename(_sys.argv[0]) if _sys.argv and _sys.argv[0] else 'prog'
        self.prog = prog
        self.usage = usage
        self.description = description
        self.epilog = epilog
        self.argument_default = argument_default
        self.exit_on_error = exit_on_error
        self._actions = []
        self._defaults = {}
        self._positionals = _ArgumentGroup(self, 'positional arguments')
        self._optionals = _ArgumentGroup(self, 'options')
        self._groups = [self._positionals, self._optionals]
        if add_help:
            self.add_argument('-h', '--help', action='help', default=SUPPRESS,
                              help='show this help message and exit')
        for parent in parents:
            for a in parent._actions:
                if a.action != 'help':
                    self._add_action(a)

    def add_argument_group(self, title=None, description=None):
        group = _ArgumentGroup(self, title)
        self._groups.append(group)
        return group

    def add_mutually_exclusive_group(self, required=False):
        return self

    def set_defaults(self, **kwargs):
        self._defaults.update(kwargs)
        for action in self._actions:
            if action.dest in kwargs:
                action.default = kwargs[action.dest]

    def get_default(self, dest):
        for action in self._actions:
            if action.dest == dest and action.default is not None:
                return action.default
        return self._defaults.get(dest, None)

    def add_argument(self, *args, **kwargs):
        if not args or len(args) == 1 and args[0][:1] != '-':
            if args and 'dest' in kwargs:
                raise ValueError('dest supplied twice for positional argument')
            dest = args[0] if args else kwargs.pop('dest')
            option_strings = []
            if kwargs.get('nargs') not in ('?', '*') and 'required' not in kwargs:
                kwargs['required'] = True
            if kwargs.get('nargs') == '*' and 'default' not in kwargs:
                kwargs['required'] = True
        else:
            option_strings = list(args)
            dest = kwargs.pop('dest', None)
            if dest is None:
                long_opts = [o for o in option_strings if o.startswith('--')]
                dest = (long_opts[0] if long_opts else option_strings[0]).lstrip('-').replace('-', '_')
        kwargs.pop('dest', None)
        action = kwargs.pop('action', 'store')
        if action == 'store_true':
            kwargs.setdefault('default', False)
            kwargs['const'] = True
            kwargs['nargs'] = 0
        elif action == 'store_false':
            kwargs.setdefault('default', True)
            kwargs['const'] = False
            kwargs['nargs'] = 0
        elif action in ('store_const', 'append_const', 'count', 'help', 'version'):
            kwargs['nargs'] = 0
        if 'default' not in kwargs:
            kwargs['default'] = self._defaults.get(dest, self.argument_default)
        a = Action(option_strings, dest, action=action, **kwargs)
        if a.type is not None and not callable(a.type):
            raise ValueError('%r is not callable' % (a.type,))
        self._add_action(a)
        return a

    def _add_action(self, a):
        self._actions.append(a)
        if a.option_strings:
            self._optionals._actions.append(a)
        else:
            self._positionals._actions.append(a)

    # ------------------------------------------------------------------ formatting
    def _metavar(self, action):
        if action.metavar is not None:
            return action.metavar
        if action.choices is not None:
            return '{' + ','.join(map(str, action.choices)) + '}'
        if action.option_strings:
            return action.dest.upper()
        return action.dest

    def _format_args(self, action):
        mv = self._metavar(action)
        n = action.nargs
        if n is None:
            return mv
        if n == '?':
            return '[%s]' % mv
        if n == '*':
            if action.option_strings:
                return '[%s ...]' % mv
            return '[%s ...]' % mv
        if n == '+':
            return '%s [%s ...]' % (mv, mv)
        if n == 0:
            return ''
        return ' '.join([mv] * n)

    def _usage_part(self, action):
        if action.option_strings:
            opt = action.option_strings[0]
            args = self._format_args(action)
            part = opt if not args else '%s %s' % (opt, args)
            return part if action.required else '[%s]' % part
        return self._format_args(action)

    def format_usage(self):
        if self.usage is not None:
            return 'usage: %s\n' % self.usage.replace('%(prog)s', self.prog)
        opt_parts = [self._usage_part(a) for a in self._actions if a.option_strings and a.help != SUPPRESS]
        pos_parts = [self._usage_part(a) for a in self._actions if not a.option_strings and a.help != SUPPRESS]
        opt_parts = [p for p in opt_parts if p]
        pos_parts = [p for p in pos_parts if p]
        prefix = 'usage: '
        usage = ' '.join([self.prog] + opt_parts + pos_parts)
        text_width = 78
        if len(prefix) + len(usage) > text_width:
            def get_lines(parts, indent, prefix=None):
                lines = []
                line = []
                line_len = len(prefix) - 1 if prefix is not None else len(indent) - 1
                for part in parts:
                    if line_len + 1 + len(part) > text_width and line:
                        lines.append(indent + ' '.join(line))
                        line = []
                        line_len = len(indent) - 1
                    line.append(part)
                    line_len += len(part) + 1
                if line:
                    lines.append(indent + ' '.join(line))
                if prefix is not None:
                    lines[0] = lines[0][len(indent):]
                return lines
            if len(prefix) + len(self.prog) <= 0.75 * text_width:
                indent = ' ' * (len(prefix) + len(self.prog) + 1)
                if opt_parts:
                    lines = get_lines([self.prog] + opt_parts, indent, prefix)
                    lines.extend(get_lines(pos_parts, indent))
                else:
                    lines = get_lines([self.prog] + pos_parts, indent, prefix)
            else:
                indent = ' ' * len(prefix)
                lines = get_lines(opt_parts + pos_parts, indent)
                lines = [self.prog] + lines
            usage = '\n'.join(lines)
        return '%s%s\n' % (prefix, usage)

    def _invocation(self, action):
        if not action.option_strings:
            return self._metavar(action)
        if action.nargs == 0:
            return ', '.join(action.option_strings)
        args = self._format_args(action)
        return ', '.join('%s %s' % (o, args) for o in action.option_strings)

    def _expand_help(self, action):
        text = action.help
        if '%(' in text:
            params = dict(vars(action))
            params['prog'] = self.prog
            if params.get('choices') is not None:
                params['choices'] = ', '.join(str(c) for c in params['choices'])
            text = text % params
        return text

    def format_help(self):
        out = [self.format_usage()]
        if self.description:
            out.append('\n' + self.description + '\n')
        actions = [a for a in self._actions if a.help != SUPPRESS]
        inv_len = max([len(self._invocation(a)) + 2 for a in actions] or [0])
        help_pos = min(inv_len + 2, 24)
        for group in self._groups:
            acts = [a for a in group._actions if a.help != SUPPRESS]
            if not acts:
                continue
            out.append('\n%s:\n' % group.title)
            for a in acts:
                inv = self._invocation(a)
                if a.help:
                    helptext = self._expand_help(a)
                    if len(inv) + 2 <= help_pos - 2:
                        out.append('  %s%s\n' % (inv.ljust(help_pos - 2), helptext))
                    else:
                        out.append('  %s\n%s%s\n' % (inv, ' ' * help_pos, helptext))
                else:
                    out.append('  %s\n' % inv)
        if self.epilog:
            out.append('\n' + self.epilog + '\n')
        return ''.join(out)

    def print_usage(self, file=None):
        (file or _sys.stdout).write(self.format_usage())

    def print_help(self, file=None):
        (file or _sys.stdout).write(self.format_help())

    def exit(self, status=0, message=None):
        if message:
            _sys.stderr.write(message)
        _sys.exit(status)

    def error(self, message):
        _sys.stderr.write(self.format_usage())
        self.exit(2, '%s: error: %s\n' % (self.prog, message))

    # ------------------------------------------------------------------ parsing
    def _convert(self, action, s):
        if action.type is None:
            value = s
        else:
            try:
                value = action.type(s)
            except ArgumentTypeError as e:
                raise ArgumentError(action, str(e))
            except (TypeError, ValueError):
                name = getattr(action.type, '__name__', repr(action.type))
                raise ArgumentError(action, 'invalid %s value: %r' % (name, s))
        if action.choices is not None and value not in action.choices:
            raise ArgumentError(action, 'invalid choice: %r (choose from %s)' % (
                value, ', '.join(map(repr, action.choices))))
        return value

    def _find_option(self, arg):
        for a in self._actions:
            if arg in a.option_strings:
                return a, None
        if arg.startswith('--') and '=' in arg:
            name, value = arg.split('=', 1)
            for a in self._actions:
                if name in a.option_strings:
                    return a, value
        if arg.startswith('--'):
            matches = [(a, o) for a in self._actions for o in a.option_strings if o.startswith(arg)]
            if len(matches) == 1:
                return matches[0][0], None
            if len(matches) > 1:
                opts = ', '.join(o for _, o in matches)
                self.error('ambiguous option: %s could match %s' % (arg, opts))
        elif len(arg) > 2 and not arg.startswith('--'):
            for a in self._actions:
                if arg[:2] in a.option_strings:
                    if a.nargs == 0:
                        return None, None
                    return a, arg[2:]
        return None, None

    def parse_args(self, args=None, namespace=None):
        args, argv = self.parse_known_args(args, namespace)
        if argv:
            self.error('unrecognized arguments: %s' % ' '.join(argv))
        return args

    def parse_known_args(self, args=None, namespace=None):
        if args is None:
            args = _sys.argv[1:]
        else:
            args = list(args)
        ns = namespace if namespace is not None else Namespace()
        try:
            return self._parse(args, ns)
        except ArgumentError as err:
            self.error(str(err))

    def _parse(self, args, ns):
        for a in self._actions:
            if a.dest != SUPPRESS and not hasattr(ns, a.dest) and a.default != SUPPRESS:
                default = a.default
                if isinstance(default, str) and a.type is not None and a.option_strings:
                    default = self._convert(a, default)
                _set(ns, a.dest, default)
        for k, v in self._defaults.items():
            if not hasattr(ns, k):
                _set(ns, k, v)
        positionals = [a for a in self._actions if not a.option_strings]
        pos_values = []
        extras = []
        seen = set()
        i = 0
        only_positional = False
        while i < len(args):
            arg = args[i]
            if only_positional or not arg.startswith('-') or arg == '-' or _is_number(arg):
                pos_values.append(arg)
                i += 1
                continue
            if arg == '--':
                only_positional = True
                i += 1
                continue
            action, explicit = self._find_option(arg)
            if action is None and len(arg) > 2 and arg[1] != '-':
                flag = [a for a in self._actions if arg[:2] in a.option_strings and a.nargs == 0]
                if flag:
                    args = args[:i] + [arg[:2], '-' + arg[2:]] + args[i + 1:]
                    continue
            if action is None:
                extras.append(arg)
                i += 1
                continue
            seen.add(action)
            i += 1
            if action.action == 'help':
                self.print_help()
                self.exit()
            if action.action == 'version':
                _sys.stdout.write(action.version.replace('%(prog)s', self.prog) + '\n')
                self.exit()
            if action.nargs == 0:
                if explicit is not None:
                    raise ArgumentError(action, 'ignored explicit argument %r' % explicit)
                if action.action == 'count':
                    _set(ns, action.dest, (getattr(ns, action.dest, None) or 0) + 1)
                elif action.action == 'append_const':
                    items = list(getattr(ns, action.dest, None) or [])
                    items.append(action.const)
                    _set(ns, action.dest, items)
                else:
                    _set(ns, action.dest, action.const)
                continue
            values = []
            if explicit is not None:
                values.append(explicit)
            else:
                n = action.nargs
                want = 1 if n is None else (n if isinstance(n, int) else None)
                while i < len(args) and (want is None or len(values) < want):
                    if args[i].startswith('-') and args[i] != '-' and not _is_number(args[i]):
                        break
                    values.append(args[i])
                    i += 1
                    if n == '?':
                        break
                if n is None and not values:
                    raise ArgumentError(action, 'expected one argument')
                if isinstance(n, int) and len(values) < n:
                    raise ArgumentError(action, 'expected %d arguments' % n)
                if n == '+' and not values:
                    raise ArgumentError(action, 'expected at least one argument')
            if action.nargs == '?' and not values:
                value = action.const
            elif action.nargs in (None, '?'):
                value = self._convert(action, values[0])
            else:
                value = [self._convert(action, v) for v in values]
            if action.action == 'append':
                items = list(getattr(ns, action.dest, None) or [])
                items.append(value)
                _set(ns, action.dest, items)
            else:
                _set(ns, action.dest, value)
        # positionals, greedily in order
        idx = 0
        missing = []
        # As CPython: match as many positionals as possible from the left.
        usable = len(positionals)
        while usable and sum(_min_count(p.nargs) for p in positionals[:usable]) > len(pos_values):
            usable -= 1
        for a in positionals[usable:]:
            if _min_count(a.nargs):
                missing.append(a)
            elif a.nargs == '*':
                _set(ns, a.dest, a.default if a.default is not None else [])
        positionals = positionals[:usable]
        for k, a in enumerate(positionals):
            n = a.nargs
            rest_min = sum(_min_count(p.nargs) for p in positionals[k + 1:])
            avail = len(pos_values) - idx
            if n is None:
                if avail - rest_min >= 1:
                    _set(ns, a.dest, self._convert(a, pos_values[idx]))
                    idx += 1
                else:
                    missing.append(a)
            elif n == '?':
                if avail - rest_min >= 1:
                    _set(ns, a.dest, self._convert(a, pos_values[idx]))
                    idx += 1
                else:
                    value = a.default
                    if isinstance(value, str) and a.type is not None:
                        value = self._convert(a, value)
                    _set(ns, a.dest, value)
            elif n in ('*', '+'):
                take = max(avail - rest_min, 0)
                if n == '+' and take == 0:
                    missing.append(a)
                    continue
                vals = [self._convert(a, v) for v in pos_values[idx:idx + take]]
                idx += take
                if n == '*' and not vals and a.default is not None:
                    vals = a.default
                _set(ns, a.dest, vals)
            else:
                if avail - rest_min >= n:
                    _set(ns, a.dest, [self._convert(a, v) for v in pos_values[idx:idx + n]])
                    idx += n
                else:
                    missing.append(a)
        required = [a for a in self._actions if a.required and a.option_strings and a not in seen]
        names = [_action_name(a) for a in missing + required]
        if names:
            self.error('the following arguments are required: %s' % ', '.join(names))
        extras.extend(pos_values[idx:])
        return ns, extras


def _min_count(nargs):
    if nargs is None or nargs == '+':
        return 1
    if isinstance(nargs, int):
        return nargs
    return 0


def _is_number(s):
    try:
        float(s)
        return True
    except ValueError:
        return False
