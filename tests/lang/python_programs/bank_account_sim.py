class InsufficientFunds(Exception):
    def __init__(self, needed):
        super().__init__(f"need {needed:.2f} more")
        self.needed = needed
class Account:
    interest = 0.02
    def __init__(self, owner, balance=0.0):
        self.owner, self.balance, self.history = owner, balance, []
    def move(self, amount):
        if self.balance + amount < 0:
            raise InsufficientFunds(-amount - self.balance)
        self.balance += amount
        self.history.append(amount)
    def __str__(self):
        return f"{self.owner:>6}: {self.balance:10.2f} ({len(self.history)} ops)"

class Savings(Account):
    interest = 0.05
    def add_interest(self):
        self.move(round(self.balance * self.interest, 2))
accounts = [Account("ann", 100), Savings("bob", 250.5)]
for acct in accounts:
    try:
        for amount in (50, -175, -100):
            acct.move(amount)
    except InsufficientFunds as e:
        print(acct.owner, "declined:", e, round(e.needed, 2))
    if isinstance(acct, Savings):
        acct.add_interest()
    print(acct, acct.history, acct.interest)
