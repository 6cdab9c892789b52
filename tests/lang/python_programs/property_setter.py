class Account:
    def __init__(self, owner, balance=0):
        self.owner = owner
        self.balance = balance
    @property
    def balance(self):
        return self.cents / 100
    @balance.setter
    def balance(self, value):
        if value < 0:
            raise ValueError("balance cannot be negative")
        self.cents = round(value * 100)
    @property
    def summary(self):
        return f"{self.owner}: {self.balance:.2f}"

acct = Account("ada", 10.5)
print(acct.summary)
acct.balance += 4.25
print(acct.balance, acct.cents)
try:
    acct.balance = -1
except ValueError as e:
    print("rejected:", e)
try:
    acct.summary = "x"
except AttributeError as e:
    print("read-only:", isinstance(e, AttributeError))
print(hasattr(acct, "summary"), hasattr(acct, "missing"), acct.summary)
