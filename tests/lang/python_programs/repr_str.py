class Money:
    def __init__(self, amount, currency="EUR"):
        self.amount = amount
        self.currency = currency

    def __repr__(self):
        return f"Money({self.amount!r}, {self.currency!r})"

    def __str__(self):
        return f"{self.amount:.2f} {self.currency}"

class OnlyRepr:
    def __init__(self, v):
        self.v = v

    def __repr__(self):
        return f"OnlyRepr<{self.v}>"

m = Money(12.5)
print(m)
print(repr(m), str(m))
print([m, Money(3, "USD")])
print({"price": m})
print((m,), f"{m}", f"{m!r}", "%s / %r" % (m, m))
o = OnlyRepr(7)
print(o, str(o), [o], f"{o}")
print("{} {!r}".format(m, m))
