import datetime
from datetime import date, timedelta, timezone

moment = datetime.datetime(2024, 2, 29, 13, 5, 9)
print(moment, repr(moment), moment + datetime.timedelta(days=1, hours=12), (datetime.datetime(2025, 1, 1) - moment).days)
print(isinstance(datetime.datetime.now(), datetime.datetime), isinstance(date.today(), date))
print(moment.strftime("%Y-%m-%d %H:%M:%S %a %A %b %B %j %p %I %y %%"), moment.isoformat(), moment.date(), moment.time())
print(moment.strftime("%c | %x | %X | %U %W %w"), moment.weekday(), moment.isoweekday(), moment.toordinal())
print(timedelta(days=-1, seconds=5), repr(timedelta(hours=1)), timedelta(seconds=1.5).total_seconds(), timedelta(0), repr(timedelta(0)))
print(timedelta(days=2, microseconds=5), timedelta(hours=-1), timedelta(weeks=1, minutes=90), timedelta(milliseconds=1500))
print(timedelta(days=1) / timedelta(hours=1), timedelta(days=1) * 2, timedelta(days=1) / 3, abs(timedelta(hours=-1)), -timedelta(1))
print(timedelta(days=1) // timedelta(hours=5), timedelta(hours=25) > timedelta(days=1), timedelta(minutes=60) == timedelta(hours=1))
print(datetime.datetime.fromtimestamp(0, timezone.utc), datetime.datetime.utcfromtimestamp(86400.5), repr(timezone.utc))
print(datetime.datetime(2024, 1, 1, tzinfo=timezone.utc), datetime.datetime(2024, 1, 1, tzinfo=timezone.utc).isoformat())
print(datetime.datetime.fromtimestamp(1700000000, timezone(timedelta(hours=2))).isoformat(), timezone(timedelta(hours=-3, minutes=-30)))
print(f"{moment:%H:%M}", moment > datetime.datetime(2020, 1, 1), date(2024, 3, 1) - date(2024, 2, 1), date(2024, 2, 28) + timedelta(days=1))
print(repr(datetime.datetime(2024, 2, 29)), repr(datetime.datetime(2024, 2, 29, 1, 2, 3, 4)), datetime.datetime(2024, 2, 29, 1, 2, 3, 4))
print(repr(date(2024, 1, 1)), repr(datetime.time(1, 2)), datetime.time(1, 2, 3), datetime.MINYEAR, datetime.MAXYEAR)
print(datetime.datetime(2024, 12, 31, 23, 59, 59) + timedelta(seconds=1), moment.replace(year=2023, day=28), moment.timestamp() - moment.replace(hour=12).timestamp())
print(date.fromisoformat("2024-05-06"), datetime.datetime.fromisoformat("2024-05-06T07:08:09"), date(2024, 1, 1).ctime())
for call in [lambda: date(2024, 2, 30), lambda: date(2024, 13, 1), lambda: datetime.datetime(2024, 1, 1, 25),
             lambda: datetime.datetime(2024, 1, 1, 0, 60), lambda: date(0, 1, 1)]:
    try:
        call()
    except ValueError as e:
        print(e)
