from string import Template
t = Template("$who likes ${what}; costs $$5 $")
print(t.safe_substitute(who="tim"), t.safe_substitute({"who": 1, "what": 2}))
print(Template("$who likes ${what}").substitute(who="tim", what="kung pao"))
for tpl, kw in [("$who and $missing", {"who": 1}), ("bad $ here", {}), ("line1\n  x ${oops", {})]:
    try:
        Template(tpl).substitute(**kw)
    except (KeyError, ValueError) as e:
        print(type(e).__name__, e)
