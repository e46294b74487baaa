#!/usr/bin/env bash
# Compares generated TPC-H .tbl files with a reference directory (default: the official dbgen SF 0.01 sample) and
# checks the spec's rules on the generated data.
#
#   tools/tpch_gen_check.sh GENERATED_DIR [REFERENCE_DIR]
#
# For both directories it prints, per column, the value domain (min/max for numbers and dates, distinct count for
# short categorical text, length range for free text), and for the generated one it verifies the cross-column rules
# of clause 4.2.3 (dates, flags, status, total price, partsupp/lineitem supplier formula, sparse keys, customers
# without orders, the Q16 supplier comments) plus that every comment word comes from the grammar's vocabulary of the
# reference. Exits non-zero if a rule is broken.
set -euo pipefail

gen_dir=${1:?usage: tpch_gen_check.sh GENERATED_DIR [REFERENCE_DIR]}
ref_dir=${2:-/work/shared/data/tpch/sf0.01}

exec python3 - "$gen_dir" "$ref_dir" <<'PY'
import collections, datetime, re, sys

gen_dir, ref_dir = sys.argv[1], sys.argv[2]
columns = {
    'region': ['r_regionkey', 'r_name', 'r_comment'],
    'nation': ['n_nationkey', 'n_name', 'n_regionkey', 'n_comment'],
    'supplier': ['s_suppkey', 's_name', 's_address', 's_nationkey', 's_phone', 's_acctbal', 's_comment'],
    'customer': ['c_custkey', 'c_name', 'c_address', 'c_nationkey', 'c_phone', 'c_acctbal', 'c_mktsegment',
                 'c_comment'],
    'part': ['p_partkey', 'p_name', 'p_mfgr', 'p_brand', 'p_type', 'p_size', 'p_container', 'p_retailprice',
             'p_comment'],
    'partsupp': ['ps_partkey', 'ps_suppkey', 'ps_availqty', 'ps_supplycost', 'ps_comment'],
    'orders': ['o_orderkey', 'o_custkey', 'o_orderstatus', 'o_totalprice', 'o_orderdate', 'o_orderpriority',
               'o_clerk', 'o_shippriority', 'o_comment'],
    'lineitem': ['l_orderkey', 'l_partkey', 'l_suppkey', 'l_linenumber', 'l_quantity', 'l_extendedprice',
                 'l_discount', 'l_tax', 'l_returnflag', 'l_linestatus', 'l_shipdate', 'l_commitdate',
                 'l_receiptdate', 'l_shipinstruct', 'l_shipmode', 'l_comment'],
}
number = re.compile(r'^-?\d+(\.\d\d)?$')
date = re.compile(r'^\d{4}-\d\d-\d\d$')


def load(directory, table):
    rows = []
    with open(f'{directory}/{table}.tbl') as f:
        for line in f:
            assert line.endswith('|\n'), f'{table}: line without trailing "|": {line!r}'
            fields = line[:-2].split('|')
            assert len(fields) == len(columns[table]), f'{table}: {len(fields)} fields in {line!r}'
            rows.append(fields)
    return rows


def profile(rows, table):
    out = {}
    for i, name in enumerate(columns[table]):
        values = [r[i] for r in rows]
        if all(number.match(v) for v in values):
            nums = [float(v) for v in values]
            out[name] = f'num  {min(nums):.2f} .. {max(nums):.2f}  avg {sum(nums) / len(nums):.2f}'
        elif all(date.match(v) for v in values):
            out[name] = f'date {min(values)} .. {max(values)}'
        else:
            distinct = set(values)
            lengths = [len(v) for v in values]
            kind = f'{len(distinct)} distinct' if len(distinct) <= 200 else 'text'
            out[name] = f'{kind:12s} len {min(lengths)}..{max(lengths)} avg {sum(lengths) / len(lengths):.1f}'
    return out


def words(rows, col):
    found = set()
    for r in rows:
        if re.search('Customer.*(Complaints|Recommends)', r[col]):
            continue  # the Q16 words are overwritten into the text and may glue to neighbours
        toks = r[col].split(' ')[1:-1]  # first and last may be cut
        found.update(w.rstrip('.;:?!,-') for w in toks if w)
    return found


gen = {t: load(gen_dir, t) for t in columns}
ref = {t: load(ref_dir, t) for t in columns}
for t in columns:
    print(f'== {t}: generated {len(gen[t])} rows, reference {len(ref[t])} rows')
    pg, pr = profile(gen[t], t), profile(ref[t], t)
    for name in columns[t]:
        print(f'  {name:16s} gen: {pg[name]:48s} ref: {pr[name]}')

errors = []
def check(ok, message):
    if not ok:
        errors.append(message)

comment_cols = {'region': 2, 'nation': 3, 'supplier': 6, 'customer': 7, 'part': 8, 'partsupp': 4, 'orders': 8,
                'lineitem': 15}
vocab_ref, vocab_gen = set(), set()
for t, c in comment_cols.items():
    vocab_ref |= words(ref[t], c)
    vocab_gen |= words(gen[t], c)
vocab_ref.discard('whithout')  # dbgen's misspelling of "without"
vocab_ref.add('without')
print('comment words only in generated:', sorted(vocab_gen - vocab_ref))
print('comment words only in reference:', sorted(vocab_ref - vocab_gen))
check(vocab_gen <= vocab_ref, 'generated comments use words outside the reference vocabulary')
for t, i in [('part', 1)]:
    colours_g = {w for r in gen[t] for w in r[i].split()}
    colours_r = {w for r in ref[t] for w in r[i].split()}
    check(colours_g == colours_r, 'p_name colours differ')
    check(all(len(set(r[i].split())) == 5 for r in gen[t]), 'p_name words not 5 distinct')
for t, i in [('part', 4), ('part', 6), ('customer', 6), ('orders', 5), ('lineitem', 13), ('lineitem', 14),
             ('nation', 1), ('region', 1)]:
    check({r[i] for r in gen[t]} == {r[i] for r in ref[t]}, f'{columns[t][i]} domain differs')
check([r[:3] for r in gen['nation']] == [r[:3] for r in ref['nation']], 'nation keys/names/regions differ')

S, C, P = len(gen['supplier']), len(gen['customer']), len(gen['part'])
price = {int(r[0]): round(float(r[7]) * 100) for r in gen['part']}
for r in gen['part']:
    p = int(r[0])
    check(price[p] == 90000 + (p // 10) % 20001 + 100 * (p % 1000), f'p_retailprice of {p}')
    check(r[3] == 'Brand#' + r[2][-1] + r[3][-1], f'p_brand {r[3]} vs {r[2]}')
for t in ['supplier', 'customer']:
    for r in gen[t]:
        check(r[4].startswith(f'{int(r[3]) + 10}-'), f'{t} phone {r[4]} vs nation {r[3]}')
def supplier_of(p, i):
    return (p + i * (S // 4 + (p - 1) // S)) % S + 1
ps_keys = set()
for n, r in enumerate(gen['partsupp']):
    p, s = int(r[0]), int(r[1])
    check(s == supplier_of(p, n % 4), f'ps_suppkey {s} of part {p}')
    ps_keys.add((p, s))
check(len(ps_keys) == len(gen['partsupp']), 'partsupp keys not unique')

cur = '1995-06-17'
def add(d, days):
    return (datetime.date.fromisoformat(d) + datetime.timedelta(days=days)).isoformat()
lines = collections.defaultdict(list)
for r in gen['lineitem']:
    lines[int(r[0])].append(r)
orders = {int(r[0]): r for r in gen['orders']}
check(set(lines) == set(orders), 'lineitem and orders keys differ')
special = 0
for key, o in orders.items():
    check(key % 32 in range(0, 8), f'order key {key} not sparse')
    check(int(o[1]) % 3 != 0 and 1 <= int(o[1]) <= C, f'o_custkey {o[1]}')
    ls = lines[key]
    check([int(r[3]) for r in ls] == list(range(1, len(ls) + 1)), f'linenumbers of {key}')
    check(1 <= len(ls) <= 7, f'line count of {key}')
    total = 0
    for r in ls:
        p, s, q = int(r[1]), int(r[2]), int(r[4])
        check(s in [supplier_of(p, i) for i in range(4)], f'l_suppkey {s} of part {p}')
        check(round(float(r[5]) * 100) == q * price[p], f'l_extendedprice {r[5]}')
        check(0 <= float(r[6]) <= 0.10 and 0 <= float(r[7]) <= 0.08, 'discount/tax')
        od, ship, commit, receipt = o[4], r[10], r[11], r[12]
        check(add(od, 1) <= ship <= add(od, 121), f'l_shipdate {ship} for {od}')
        check(add(od, 30) <= commit <= add(od, 90), f'l_commitdate {commit} for {od}')
        check(add(ship, 1) <= receipt <= add(ship, 30), f'l_receiptdate {receipt} for {ship}')
        check(r[8] in ('R', 'A') if receipt <= cur else r[8] == 'N', f'l_returnflag {r[8]} {receipt}')
        check(r[9] == ('O' if ship > cur else 'F'), f'l_linestatus {r[9]} {ship}')
        total += round(float(r[5]) * 100) * (100 + round(float(r[7]) * 100)) * (100 - round(float(r[6]) * 100))
    statuses = {r[9] for r in ls}
    check(o[2] == ('F' if statuses == {'F'} else 'O' if statuses == {'O'} else 'P'), f'o_orderstatus of {key}')
    check(abs(round(float(o[3]) * 100) - (total + 5000) // 10000) <= 0, f'o_totalprice of {key}')
    special += bool(re.search('special.*requests', o[8]))
print(f'orders with "special...requests": {special} of {len(orders)}')
complaints = sum(bool(re.search('Customer.*Complaints', r[6])) for r in gen['supplier'])
recommends = sum(bool(re.search('Customer.*Recommends', r[6])) for r in gen['supplier'])
print(f'suppliers with Customer...Complaints: {complaints}, ...Recommends: {recommends}')

for e in errors[:30]:
    print('ERROR:', e)
print('rule errors:', len(errors))
sys.exit(1 if errors else 0)
PY
