"""What the demo-data steps of every app share: the random source, the scale, the accounts."""

import random
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date

from django.contrib.auth.hashers import make_password
from django.db import connection

from . import credit_code

SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤"
GIVEN_NAME_CHARACTERS = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉兰萍建红文辉力斌波宁浩凯鹏飞鑫晨宇欣怡佳琪雪梅海燕春晓东林俊峰"


@dataclass
class DemoContext:
    """Handed to each app's ``demo.seed(context)`` in the order of INSTALLED_APPS."""

    scale: int
    seed: int
    password: str
    today: date
    rng: random.Random = field(init=False)
    password_hash: str = field(init=False)
    issued_credit_codes: set[str] = field(default_factory=set)

    def __post_init__(self):
        self.rng = random.Random(self.seed)
        # One hash for every demo account: hashing thousands of passwords would take minutes.
        self.password_hash = make_password(self.password)

    def person_name(self) -> str:
        given = "".join(
            self.rng.choice(GIVEN_NAME_CHARACTERS) for _ in range(self.rng.choice((1, 2)))
        )
        return self.rng.choice(SURNAMES) + given

    def phone(self) -> str:
        return f"1{self.rng.choice('35789')}{self.rng.randrange(10**9):09d}"

    def credit_code(self, *, division: str, authority: str = "9", category: str = "1") -> str:
        """A fresh, valid unified social credit code registered in ``division``."""
        while True:
            body = f"{self.rng.randrange(10**8):08d}"
            code = credit_code.build(
                authority=authority, category=category, division=division, organisation_body=body
            )
            if code not in self.issued_credit_codes:
                self.issued_credit_codes.add(code)
                return code


@contextmanager
def bulk_loading(*models) -> Iterator[None]:
    """Bulk-load ``models`` without their foreign keys and secondary indexes, then add them back.

    Each row COPY'd into a table with (deferred) foreign keys queues one check per key, run row
    by row at commit, and updates every index in random order: for the service records that
    took longer than writing the rows. Adding a key back validates every row in one join, and
    building an index sorts once. ALTER TABLE refuses tables with pending deferred checks, so
    the checks queued so far run first, both times. Unique indexes stay: they are constraints.
    """
    tables = [model._meta.db_table for model in models]
    with connection.cursor() as cursor:
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        cursor.execute(
            "SELECT conrelid::regclass::text, conname, pg_get_constraintdef(oid) "
            "FROM pg_constraint WHERE contype = 'f' AND conrelid = ANY(%s::regclass[]) "
            "ORDER BY 1, 2",
            [tables],
        )
        keys = cursor.fetchall()
        cursor.execute(
            "SELECT indexrelid::regclass::text, pg_get_indexdef(indexrelid) FROM pg_index "
            "WHERE indrelid = ANY(%s::regclass[]) AND NOT indisunique ORDER BY 1",
            [tables],
        )
        indexes = cursor.fetchall()
        for table, name, _definition in keys:
            cursor.execute(f'ALTER TABLE {table} DROP CONSTRAINT "{name}"')
        for name, _definition in indexes:
            cursor.execute(f"DROP INDEX {name}")
        cursor.execute("SET CONSTRAINTS ALL DEFERRED")
    yield
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL maintenance_work_mem = '256MB'")
        for _name, definition in indexes:
            cursor.execute(definition)
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        for table, name, definition in keys:
            cursor.execute(f'ALTER TABLE {table} ADD CONSTRAINT "{name}" {definition}')
        cursor.execute("SET CONSTRAINTS ALL DEFERRED")
