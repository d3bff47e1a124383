"""datetime: date, time, datetime, timedelta and a fixed-offset timezone, written for socklab
after CPython 3.11's pure-Python _pydatetime (printing and arithmetic agree with CPython)."""

import time as _time

MINYEAR = 1
MAXYEAR = 9999

_DAYS_IN_MONTH = [-1, 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31]
_DAYS_BEFORE_MONTH = [-1]
_dbm = 0
for _dim in _DAYS_IN_MONTH[1:]:
    _DAYS_BEFORE_MONTH.append(_dbm)
    _dbm += _dim
del _dbm, _dim

_MONTHNAMES = [None, "Jan", "Feb", "Mar", "Apr", "May", "Jun",
               "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
_FULLMONTHNAMES = [None, "January", "February", "March", "April", "May", "June",
                   "July", "August", "September", "October", "November", "December"]
_DAYNAMES = [None, "Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"]
_FULLDAYNAMES = [None, "Monday", "Tuesday", "Wednesday", "Thursday", "Friday",
                 "Saturday", "Sunday"]


def _is_leap(year):
    return year % 4 == 0 and (year % 100 != 0 or year % 400 == 0)


def _days_before_year(year):
    y = year - 1
    return y * 365 + y // 4 - y // 100 + y // 400


def _days_in_month(year, month):
    if month == 2 and _is_leap(year):
        return 29
    return _DAYS_IN_MONTH[month]


def _days_before_month(year, month):
    return _DAYS_BEFORE_MONTH[month] + (month > 2 and _is_leap(year))


def _ymd2ord(year, month, day):
    return _days_before_year(year) + _days_before_month(year, month) + day


_DI400Y = _days_before_year(401)
_DI100Y = _days_before_year(101)
_DI4Y = _days_before_year(5)


def _ord2ymd(n):
    n -= 1
    n400, n = divmod(n, _DI400Y)
    year = n400 * 400 + 1
    n100, n = divmod(n, _DI100Y)
    n4, n = divmod(n, _DI4Y)
    n1, n = divmod(n, 365)
    year += n100 * 100 + n4 * 4 + n1
    if n1 == 4 or n100 == 4:
        return year - 1, 12, 31
    leapyear = n1 == 3 and (n4 != 24 or n100 == 3)
    month = (n + 50) >> 5
    preceding = _DAYS_BEFORE_MONTH[month] + (month > 2 and leapyear)
    if preceding > n:
        month -= 1
        preceding -= _DAYS_IN_MONTH[month] + (month == 2 and leapyear)
    n -= preceding
    return year, month, n + 1


def _check_int(name, value):
    if not isinstance(value, int):
        if isinstance(value, float):
            raise TypeError("'float' object cannot be interpreted as an integer")
        raise TypeError("an integer is required (got type %s)" % type(value).__name__)


def _check_date_fields(year, month, day):
    _check_int('year', year)
    _check_int('month', month)
    _check_int('day', day)
    if not MINYEAR <= year <= MAXYEAR:
        raise ValueError('year %d is out of range' % year)
    if not 1 <= month <= 12:
        raise ValueError('month must be in 1..12')
    if not 1 <= day <= _days_in_month(year, month):
        raise ValueError('day is out of range for month')


def _check_time_fields(hour, minute, second, microsecond):
    for n, v in (('hour', hour), ('minute', minute), ('second', second), ('microsecond', microsecond)):
        _check_int(n, v)
    if not 0 <= hour <= 23:
        raise ValueError('hour must be in 0..23')
    if not 0 <= minute <= 59:
        raise ValueError('minute must be in 0..59')
    if not 0 <= second <= 59:
        raise ValueError('second must be in 0..59')
    if not 0 <= microsecond <= 999999:
        raise ValueError('microsecond must be in 0..999999')


def _cmp(x, y):
    return 0 if x == y else 1 if x > y else -1


def _format_offset(off, sep=':'):
    if off is None:
        return ''
    s = '+'
    if off.days < 0:
        s = '-'
        off = -off
    mm, ss = divmod(off.days * 86400 + off.seconds, 60)
    hh, mm = divmod(mm, 60)
    s += '%02d%s%02d' % (hh, sep, mm)
    if ss or off.microseconds:
        s += '%s%02d' % (sep, ss)
        if off.microseconds:
            s += '.%06d' % off.microseconds
    return s


def _strftime(fmt, year, month, day, hour, minute, second, microsecond, tz, dt):
    wday = (_ymd2ord(year, month, day) + 6) % 7
    yday = _ymd2ord(year, month, day) - _ymd2ord(year, 1, 1) + 1
    out = []
    i = 0
    n = len(fmt)
    while i < n:
        c = fmt[i]
        if c != '%' or i + 1 >= n:
            out.append(c)
            i += 1
            continue
        d = fmt[i + 1]
        i += 2
        if d == 'Y':
            out.append('%d' % year if year >= 1000 else '%d' % year)
        elif d == 'm':
            out.append('%02d' % month)
        elif d == 'd':
            out.append('%02d' % day)
        elif d == 'e':
            out.append('%2d' % day)
        elif d == 'H':
            out.append('%02d' % hour)
        elif d == 'M':
            out.append('%02d' % minute)
        elif d == 'S':
            out.append('%02d' % second)
        elif d == 'f':
            out.append('%06d' % microsecond)
        elif d == 'y':
            out.append('%02d' % (year % 100))
        elif d == 'b' or d == 'h':
            out.append(_MONTHNAMES[month])
        elif d == 'B':
            out.append(_FULLMONTHNAMES[month])
        elif d == 'a':
            out.append(_DAYNAMES[wday + 1])
        elif d == 'A':
            out.append(_FULLDAYNAMES[wday + 1])
        elif d == 'w':
            out.append('%d' % ((wday + 1) % 7))
        elif d == 'u':
            out.append('%d' % (wday + 1))
        elif d == 'j':
            out.append('%03d' % yday)
        elif d == 'U':
            out.append('%02d' % ((yday + 6 - (wday + 1) % 7) // 7))
        elif d == 'W':
            out.append('%02d' % ((yday + 6 - wday) // 7))
        elif d == 'p':
            out.append('AM' if hour < 12 else 'PM')
        elif d == 'I':
            out.append('%02d' % (hour % 12 or 12))
        elif d == 'c':
            out.append('%s %s %2d %02d:%02d:%02d %d' % (_DAYNAMES[wday + 1], _MONTHNAMES[month], day, hour, minute, second, year))
        elif d == 'x':
            out.append('%02d/%02d/%02d' % (month, day, year % 100))
        elif d == 'X':
            out.append('%02d:%02d:%02d' % (hour, minute, second))
        elif d == 'D':
            out.append('%02d/%02d/%02d' % (month, day, year % 100))
        elif d == 'F':
            out.append('%d-%02d-%02d' % (year, month, day))
        elif d == 'T':
            out.append('%02d:%02d:%02d' % (hour, minute, second))
        elif d == 'R':
            out.append('%02d:%02d' % (hour, minute))
        elif d == 'z':
            out.append(_format_offset(tz.utcoffset(dt), '') if tz is not None else '')
        elif d == 'Z':
            out.append(tz.tzname(dt) if tz is not None else '')
        elif d == '%':
            out.append('%')
        else:
            out.append('%' + d)
    return ''.join(out)


def _strptime(data, fmt):
    """Parse `data` by `fmt` as CPython's _strptime does for the common directives."""
    if not isinstance(data, str):
        raise TypeError("strptime() argument 1 must be str, not %s" % type(data).__name__)
    if not isinstance(fmt, str):
        raise TypeError("strptime() argument 2 must be str, not %s" % type(fmt).__name__)
    year, month, day, hour, minute, second, us = 1900, 1, 1, 0, 0, 0, 0
    pm = None
    yday = None
    i = 0
    j = 0
    n = len(data)

    def fail():
        raise ValueError("time data %r does not match format %r" % (data, fmt))

    def digits(maxlen, minlen=1):
        nonlocal i
        k = i
        while k < n and k - i < maxlen and data[k].isdigit():
            k += 1
        if k - i < minlen:
            fail()
        v = int(data[i:k])
        i = k
        return v

    def name(options):
        nonlocal i
        low = data[i:].lower()
        best = None
        for idx, opt in enumerate(options):
            if opt and low.startswith(opt.lower()) and (best is None or len(opt) > len(options[best])):
                best = idx
        if best is None:
            fail()
        i += len(options[best])
        return best

    while j < len(fmt):
        c = fmt[j]
        if c == '%' and j + 1 < len(fmt):
            d = fmt[j + 1]
            j += 2
            if d == 'Y':
                year = digits(4, 4)
            elif d == 'y':
                v = digits(2, 2)
                year = v + (2000 if v < 69 else 1900)
            elif d == 'm':
                month = digits(2)
                if not 1 <= month <= 12:
                    fail()
            elif d == 'd':
                day = digits(2)
                if not 1 <= day <= 31:
                    fail()
            elif d == 'H':
                hour = digits(2)
                if hour > 23:
                    fail()
            elif d == 'I':
                hour = digits(2)
                if not 1 <= hour <= 12:
                    fail()
            elif d == 'M':
                minute = digits(2)
                if minute > 59:
                    fail()
            elif d == 'S':
                second = digits(2)
                if second > 61:
                    fail()
            elif d == 'f':
                k = i
                v = digits(6)
                us = v * 10 ** (6 - (i - k))
            elif d == 'j':
                yday = digits(3)
                if not 1 <= yday <= 366:
                    fail()
            elif d == 'b' or d == 'h':
                month = name(_MONTHNAMES)
            elif d == 'B':
                month = name(_FULLMONTHNAMES)
            elif d == 'a':
                name(_DAYNAMES)
            elif d == 'A':
                name(_FULLDAYNAMES)
            elif d == 'p':
                pm = name(['AM', 'PM']) == 1
            elif d == 'Z':
                name(['UTC', 'GMT'])
            elif d == '%':
                if i < n and data[i] == '%':
                    i += 1
                else:
                    fail()
            else:
                raise ValueError("'%s' is a bad directive in format '%s'" % (d, fmt))
        elif c.isspace():
            j += 1
            while i < n and data[i].isspace():
                i += 1
        else:
            if i < n and data[i] == c:
                i += 1
                j += 1
            else:
                fail()
    if i < n:
        raise ValueError("unconverted data remains: %s" % data[i:])
    if pm is not None and '%I' in fmt:
        if pm and hour != 12:
            hour += 12
        elif not pm and hour == 12:
            hour = 0
    if yday is not None and '%m' not in fmt and '%d' not in fmt:
        month, day = _ord2ymd(_ymd2ord(year, 1, 1) + yday - 1)[1:]
    return year, month, day, hour, minute, second, us


class timedelta:
    def __init__(self, days=0, seconds=0, microseconds=0, milliseconds=0, minutes=0, hours=0, weeks=0):
        if all(isinstance(v, int) for v in (days, seconds, microseconds, milliseconds, minutes, hours, weeks)):
            us = ((((weeks * 7 + days) * 24 + hours) * 60 + minutes) * 60 + seconds) * 1000000 + milliseconds * 1000 + microseconds
        else:
            us = round(((((weeks * 7 + days) * 24 + hours) * 60 + minutes) * 60 + seconds) * 1000000 + milliseconds * 1000 + microseconds)
        d, rem = divmod(us, 86400000000)
        s, u = divmod(rem, 1000000)
        if abs(d) > 999999999:
            raise OverflowError("days=%d; must have magnitude <= 999999999" % d)
        self._days = d
        self._seconds = s
        self._microseconds = u

    @property
    def days(self):
        return self._days

    @property
    def seconds(self):
        return self._seconds

    @property
    def microseconds(self):
        return self._microseconds

    def _to_us(self):
        return (self._days * 86400 + self._seconds) * 1000000 + self._microseconds

    def total_seconds(self):
        return self._to_us() / 10 ** 6

    def __repr__(self):
        args = []
        if self._days:
            args.append("days=%d" % self._days)
        if self._seconds:
            args.append("seconds=%d" % self._seconds)
        if self._microseconds:
            args.append("microseconds=%d" % self._microseconds)
        if not args:
            args.append('0')
        return "datetime.timedelta(%s)" % ', '.join(args)

    def __str__(self):
        mm, ss = divmod(self._seconds, 60)
        hh, mm = divmod(mm, 60)
        s = "%d:%02d:%02d" % (hh, mm, ss)
        if self._days:
            plural = 's' if abs(self._days) != 1 else ''
            s = ("%d day%s, " % (self._days, plural)) + s
        if self._microseconds:
            s = s + ".%06d" % self._microseconds
        return s

    def __add__(self, other):
        if isinstance(other, timedelta):
            return timedelta(microseconds=self._to_us() + other._to_us())
        return NotImplemented

    def __radd__(self, other):
        return self.__add__(other)

    def __sub__(self, other):
        if isinstance(other, timedelta):
            return timedelta(microseconds=self._to_us() - other._to_us())
        return NotImplemented

    def __neg__(self):
        return timedelta(microseconds=-self._to_us())

    def __pos__(self):
        return self

    def __abs__(self):
        return -self if self._days < 0 else self

    def __mul__(self, other):
        if isinstance(other, int):
            return timedelta(microseconds=self._to_us() * other)
        if isinstance(other, float):
            return timedelta(microseconds=round(self._to_us() * other))
        return NotImplemented

    def __rmul__(self, other):
        return self.__mul__(other)

    def __floordiv__(self, other):
        if isinstance(other, timedelta):
            return self._to_us() // other._to_us()
        if isinstance(other, int):
            return timedelta(microseconds=self._to_us() // other)
        return NotImplemented

    def __truediv__(self, other):
        if isinstance(other, timedelta):
            return self._to_us() / other._to_us()
        if isinstance(other, (int, float)):
            return timedelta(microseconds=round(self._to_us() / other))
        return NotImplemented

    def __mod__(self, other):
        if isinstance(other, timedelta):
            return timedelta(microseconds=self._to_us() % other._to_us())
        return NotImplemented

    def __eq__(self, other):
        if isinstance(other, timedelta):
            return self._to_us() == other._to_us()
        return NotImplemented

    def __ne__(self, other):
        if isinstance(other, timedelta):
            return self._to_us() != other._to_us()
        return NotImplemented

    def __lt__(self, other):
        if isinstance(other, timedelta):
            return self._to_us() < other._to_us()
        return NotImplemented

    def __le__(self, other):
        if isinstance(other, timedelta):
            return self._to_us() <= other._to_us()
        return NotImplemented

    def __gt__(self, other):
        if isinstance(other, timedelta):
            return self._to_us() > other._to_us()
        return NotImplemented

    def __ge__(self, other):
        if isinstance(other, timedelta):
            return self._to_us() >= other._to_us()
        return NotImplemented

    def __hash__(self):
        return hash(self._to_us())

    def __bool__(self):
        return self._to_us() != 0


timedelta.min = timedelta(-999999999)
timedelta.max = timedelta(days=999999999, hours=23, minutes=59, seconds=59, microseconds=999999)
timedelta.resolution = timedelta(microseconds=1)


class tzinfo:
    def utcoffset(self, dt):
        raise NotImplementedError("tzinfo subclass must override utcoffset()")

    def tzname(self, dt):
        raise NotImplementedError("tzinfo subclass must override tzname()")

    def dst(self, dt):
        return None


class timezone(tzinfo):
    def __init__(self, offset, name=None):
        if not isinstance(offset, timedelta):
            raise TypeError("offset must be a timedelta")
        self._offset = offset
        self._name = name

    def utcoffset(self, dt):
        return self._offset

    def tzname(self, dt):
        if self._name is not None:
            return self._name
        if not self._offset:
            return 'UTC'
        return 'UTC' + _format_offset(self._offset)

    def dst(self, dt):
        return None

    def __str__(self):
        return self.tzname(None)

    def __repr__(self):
        if self is timezone.utc:
            return 'datetime.timezone.utc'
        if self._name is None:
            return 'datetime.timezone(%r)' % (self._offset,)
        return 'datetime.timezone(%r, %r)' % (self._offset, self._name)

    def __eq__(self, other):
        if isinstance(other, timezone):
            return self._offset == other._offset
        return NotImplemented

    def __hash__(self):
        return hash(self._offset)


timezone.utc = timezone(timedelta(0))
UTC = timezone.utc


class date:
    def __init__(self, year, month, day):
        _check_date_fields(year, month, day)
        self._year = year
        self._month = month
        self._day = day

    @property
    def year(self):
        return self._year

    @property
    def month(self):
        return self._month

    @property
    def day(self):
        return self._day

    @classmethod
    def today(cls):
        t = _time.localtime(_time.time())
        return cls(t.tm_year, t.tm_mon, t.tm_mday)

    @classmethod
    def fromtimestamp(cls, t):
        lt = _time.localtime(t)
        return cls(lt.tm_year, lt.tm_mon, lt.tm_mday)

    @classmethod
    def fromordinal(cls, n):
        y, m, d = _ord2ymd(n)
        return cls(y, m, d)

    @classmethod
    def fromisoformat(cls, s):
        if not isinstance(s, str):
            raise TypeError('fromisoformat: argument must be str')
        try:
            if len(s) != 10 or s[4] != '-' or s[7] != '-':
                raise ValueError
            return cls(int(s[0:4]), int(s[5:7]), int(s[8:10]))
        except ValueError:
            raise ValueError(f'Invalid isoformat string: {s!r}') from None

    def toordinal(self):
        return _ymd2ord(self._year, self._month, self._day)

    def weekday(self):
        return (self.toordinal() + 6) % 7

    def isoweekday(self):
        return self.toordinal() % 7 or 7

    def timetuple(self):
        return _time.struct_time((self._year, self._month, self._day, 0, 0, 0, self.weekday(),
                                  self.toordinal() - _ymd2ord(self._year, 1, 1) + 1, -1))

    def replace(self, year=None, month=None, day=None):
        return type(self)(self._year if year is None else year,
                          self._month if month is None else month,
                          self._day if day is None else day)

    def isoformat(self):
        return "%04d-%02d-%02d" % (self._year, self._month, self._day)

    def __str__(self):
        return self.isoformat()

    def __repr__(self):
        return "datetime.date(%d, %d, %d)" % (self._year, self._month, self._day)

    def ctime(self):
        return self.strftime('%c')

    def strftime(self, fmt):
        return _strftime(fmt, self._year, self._month, self._day, 0, 0, 0, 0, None, None)

    def __format__(self, fmt):
        if not fmt:
            return str(self)
        return self.strftime(fmt)

    def _key(self):
        return (self._year, self._month, self._day)

    def __eq__(self, other):
        if isinstance(other, date) and not isinstance(other, datetime):
            return self._key() == other._key()
        return NotImplemented

    def __lt__(self, other):
        if isinstance(other, date):
            return self._key() < other._key()
        return NotImplemented

    def __le__(self, other):
        if isinstance(other, date):
            return self._key() <= other._key()
        return NotImplemented

    def __gt__(self, other):
        if isinstance(other, date):
            return self._key() > other._key()
        return NotImplemented

    def __ge__(self, other):
        if isinstance(other, date):
            return self._key() >= other._key()
        return NotImplemented

    def __hash__(self):
        return hash(self._key())

    def __add__(self, other):
        if isinstance(other, timedelta):
            o = self.toordinal() + other.days
            if 0 < o <= 3652059:
                return type(self).fromordinal(o)
            raise OverflowError("result out of range")
        return NotImplemented

    def __radd__(self, other):
        return self.__add__(other)

    def __sub__(self, other):
        if isinstance(other, timedelta):
            return self + timedelta(-other.days)
        if isinstance(other, date):
            return timedelta(self.toordinal() - other.toordinal())
        return NotImplemented


class time:
    def __init__(self, hour=0, minute=0, second=0, microsecond=0, tzinfo=None):
        _check_time_fields(hour, minute, second, microsecond)
        self._hour = hour
        self._minute = minute
        self._second = second
        self._microsecond = microsecond
        self._tzinfo = tzinfo

    hour = property(lambda self: self._hour)
    minute = property(lambda self: self._minute)
    second = property(lambda self: self._second)
    microsecond = property(lambda self: self._microsecond)
    tzinfo = property(lambda self: self._tzinfo)

    def isoformat(self, timespec='auto'):
        s = "%02d:%02d:%02d" % (self._hour, self._minute, self._second)
        if self._microsecond:
            s += ".%06d" % self._microsecond
        if self._tzinfo is not None:
            s += _format_offset(self._tzinfo.utcoffset(None))
        return s

    def __str__(self):
        return self.isoformat()

    def __repr__(self):
        if self._microsecond:
            s = "%d, %d, %d, %d" % (self._hour, self._minute, self._second, self._microsecond)
        elif self._second:
            s = "%d, %d, %d" % (self._hour, self._minute, self._second)
        else:
            s = "%d, %d" % (self._hour, self._minute)
        return "datetime.time(%s)" % s

    def strftime(self, fmt):
        return _strftime(fmt, 1900, 1, 1, self._hour, self._minute, self._second, self._microsecond, self._tzinfo, None)

    def _key(self):
        return (self._hour, self._minute, self._second, self._microsecond)

    def __eq__(self, other):
        if isinstance(other, time):
            return self._key() == other._key()
        return NotImplemented

    def __lt__(self, other):
        return self._key() < other._key()

    def __le__(self, other):
        return self._key() <= other._key()

    def __gt__(self, other):
        return self._key() > other._key()

    def __ge__(self, other):
        return self._key() >= other._key()

    def __hash__(self):
        return hash(self._key())


class datetime(date):
    def __init__(self, year, month, day, hour=0, minute=0, second=0, microsecond=0, tzinfo=None):
        _check_date_fields(year, month, day)
        _check_time_fields(hour, minute, second, microsecond)
        self._year = year
        self._month = month
        self._day = day
        self._hour = hour
        self._minute = minute
        self._second = second
        self._microsecond = microsecond
        self._tzinfo = tzinfo

    hour = property(lambda self: self._hour)
    minute = property(lambda self: self._minute)
    second = property(lambda self: self._second)
    microsecond = property(lambda self: self._microsecond)
    tzinfo = property(lambda self: self._tzinfo)

    @classmethod
    def _from_seconds(cls, t, utc, tz=None):
        frac, whole = t % 1.0, int(t // 1)
        us = round(frac * 1e6)
        if us >= 1000000:
            whole += 1
            us -= 1000000
        lt = _time.gmtime(whole) if utc else _time.localtime(whole)
        return cls(lt.tm_year, lt.tm_mon, lt.tm_mday, lt.tm_hour, lt.tm_min, lt.tm_sec, us, tz)

    @classmethod
    def fromtimestamp(cls, t, tz=None):
        if tz is None:
            return cls._from_seconds(t, False)
        off = tz.utcoffset(None)
        return cls._from_seconds(t + off.days * 86400 + off.seconds + off.microseconds / 1e6, True, tz)

    @classmethod
    def utcfromtimestamp(cls, t):
        return cls._from_seconds(t, True)

    @classmethod
    def now(cls, tz=None):
        return cls.fromtimestamp(_time.time(), tz)

    @classmethod
    def utcnow(cls):
        return cls.utcfromtimestamp(_time.time())

    @classmethod
    def today(cls):
        return cls.fromtimestamp(_time.time())

    @classmethod
    def combine(cls, d, t, tzinfo=True):
        if tzinfo is True:
            tzinfo = t.tzinfo
        return cls(d.year, d.month, d.day, t.hour, t.minute, t.second, t.microsecond, tzinfo)

    @classmethod
    def fromisoformat(cls, s):
        if not isinstance(s, str):
            raise TypeError('fromisoformat: argument must be str')
        try:
            d = date.fromisoformat(s[:10])
            rest = s[11:]
            h = m = sec = us = 0
            if rest:
                h = int(rest[0:2])
                if len(rest) > 2:
                    m = int(rest[3:5])
                if len(rest) > 5:
                    sec = int(rest[6:8])
                if len(rest) > 8:
                    us = int((rest[9:] + '000000')[:6])
            return cls(d.year, d.month, d.day, h, m, sec, us)
        except (ValueError, IndexError):
            raise ValueError(f'Invalid isoformat string: {s!r}') from None

    @classmethod
    def strptime(cls, date_string, format):
        y, mo, d, h, mi, s, us = _strptime(date_string, format)
        return cls(y, mo, d, h, mi, s, us)

    def date(self):
        return date(self._year, self._month, self._day)

    def time(self):
        return time(self._hour, self._minute, self._second, self._microsecond)

    def timetz(self):
        return time(self._hour, self._minute, self._second, self._microsecond, self._tzinfo)

    def utcoffset(self):
        if self._tzinfo is None:
            return None
        return self._tzinfo.utcoffset(self)

    def tzname(self):
        if self._tzinfo is None:
            return None
        return self._tzinfo.tzname(self)

    def replace(self, year=None, month=None, day=None, hour=None, minute=None, second=None,
                microsecond=None, tzinfo=True):
        return type(self)(self._year if year is None else year,
                          self._month if month is None else month,
                          self._day if day is None else day,
                          self._hour if hour is None else hour,
                          self._minute if minute is None else minute,
                          self._second if second is None else second,
                          self._microsecond if microsecond is None else microsecond,
                          self._tzinfo if tzinfo is True else tzinfo)

    def astimezone(self, tz=None):
        ts = self.timestamp()
        if tz is None:
            return type(self).fromtimestamp(ts)
        return type(self).fromtimestamp(ts, tz)

    def _seconds(self):
        return (self.toordinal() - 719163) * 86400 + self._hour * 3600 + self._minute * 60 + self._second

    def timestamp(self):
        if self._tzinfo is None:
            return _time.mktime((self._year, self._month, self._day, self._hour, self._minute,
                                 self._second, -1, -1, -1)) + self._microsecond / 1e6
        off = self.utcoffset()
        return (self._seconds() - (off.days * 86400 + off.seconds)) + self._microsecond / 1e6

    def timetuple(self):
        return _time.struct_time((self._year, self._month, self._day, self._hour, self._minute,
                                  self._second, self.weekday(),
                                  self.toordinal() - _ymd2ord(self._year, 1, 1) + 1, -1))

    def isoformat(self, sep='T', timespec='auto'):
        s = "%04d-%02d-%02d%s%02d:%02d" % (self._year, self._month, self._day, sep, self._hour, self._minute)
        if timespec == 'minutes':
            pass
        elif timespec == 'hours':
            s = s[:-3]
        elif timespec == 'seconds':
            s += ":%02d" % self._second
        elif timespec == 'milliseconds':
            s += ":%02d.%03d" % (self._second, self._microsecond // 1000)
        elif timespec == 'microseconds' or self._microsecond:
            s += ":%02d.%06d" % (self._second, self._microsecond)
        else:
            s += ":%02d" % self._second
        off = self.utcoffset()
        if off is not None:
            s += _format_offset(off)
        return s

    def __str__(self):
        return self.isoformat(sep=' ')

    def __repr__(self):
        L = [self._year, self._month, self._day, self._hour, self._minute, self._second, self._microsecond]
        if L[-1] == 0:
            del L[-1]
        if L[-1] == 0:
            del L[-1]
        s = "datetime.datetime(%s)" % ", ".join(map(str, L))
        if self._tzinfo is not None:
            s = s[:-1] + ", tzinfo=%r" % self._tzinfo + ")"
        return s

    def ctime(self):
        return self.strftime('%c')

    def strftime(self, fmt):
        return _strftime(fmt, self._year, self._month, self._day, self._hour, self._minute,
                         self._second, self._microsecond, self._tzinfo, self)

    def _us(self):
        us = self._seconds() * 1000000 + self._microsecond
        off = self.utcoffset()
        if off is not None:
            us -= off._to_us()
        return us

    def _cmp_key(self, other):
        if (self._tzinfo is None) != (other._tzinfo is None):
            raise TypeError("can't compare offset-naive and offset-aware datetimes")
        return self._us(), other._us()

    def __eq__(self, other):
        if isinstance(other, datetime):
            if (self._tzinfo is None) != (other._tzinfo is None):
                return False
            return self._us() == other._us()
        return NotImplemented

    def __lt__(self, other):
        if isinstance(other, datetime):
            a, b = self._cmp_key(other)
            return a < b
        return NotImplemented

    def __le__(self, other):
        if isinstance(other, datetime):
            a, b = self._cmp_key(other)
            return a <= b
        return NotImplemented

    def __gt__(self, other):
        if isinstance(other, datetime):
            a, b = self._cmp_key(other)
            return a > b
        return NotImplemented

    def __ge__(self, other):
        if isinstance(other, datetime):
            a, b = self._cmp_key(other)
            return a >= b
        return NotImplemented

    def __hash__(self):
        return hash(self._us())

    def __add__(self, other):
        if not isinstance(other, timedelta):
            return NotImplemented
        us = self._seconds() * 1000000 + self._microsecond + other._to_us()
        secs, us = divmod(us, 1000000)
        days, secs = divmod(secs, 86400)
        o = days + 719163
        if not 0 < o <= 3652059:
            raise OverflowError("date value out of range")
        y, m, d = _ord2ymd(o)
        hh, rem = divmod(secs, 3600)
        mm, ss = divmod(rem, 60)
        return type(self)(y, m, d, hh, mm, ss, us, self._tzinfo)

    def __radd__(self, other):
        return self.__add__(other)

    def __sub__(self, other):
        if isinstance(other, timedelta):
            return self + -other
        if isinstance(other, datetime):
            if (self._tzinfo is None) != (other._tzinfo is None):
                raise TypeError("can't subtract offset-naive and offset-aware datetimes")
            return timedelta(microseconds=self._us() - other._us())
        return NotImplemented


datetime.min = datetime(1, 1, 1)
datetime.max = datetime(9999, 12, 31, 23, 59, 59, 999999)
date.min = date(1, 1, 1)
date.max = date(9999, 12, 31)
