from __future__ import annotations

limit: int = 3
ratio: float

def scale(values: list[float], factor: float = 2.0) -> list[float]:
    result: list[float] = [v * factor for v in values]
    return result

class Item:
    name: str = "unnamed"
    price: Money

    def __init__(self, name: str, price: float) -> None:
        self.name = name
        self.price = price

    def with_tax(self, rate: float = 0.2) -> Item:
        return Item(self.name, round(self.price * (1 + rate), 2))

    def __repr__(self) -> str:
        return f"Item({self.name!r}, {self.price})"

print(scale([1.0, 2.5]), scale([1, 2], factor=limit))
print(Item("pen", 1.5).with_tax(), Item.name, Item("cup", 4).with_tax(0.1))
print(limit, hasattr(Item("a", 1), "price"))
