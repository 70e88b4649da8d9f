#!/usr/bin/env python3
# ADR 2: why a savepoint around the SQLite merge once cost 20x. Updates N stored entities row by row inside
# BEGIN IMMEDIATE, the way the merge's per-row path does, with and without an outer savepoint, under
# temp_store MEMORY or FILE, and with the statements plain or OR FAIL. Usage: bench/sqlite-savepoint.py [N]
import sqlite3, time, os, sys, random
def setup(path, n):
    if os.path.exists(path): os.remove(path)
    for s in ("-wal","-shm"):
        if os.path.exists(path+s): os.remove(path+s)
    c = sqlite3.connect(path, isolation_level=None)
    c.execute("PRAGMA journal_mode=WAL")
    c.execute("""CREATE TABLE entities (row INTEGER PRIMARY KEY, h INTEGER NOT NULL, type TEXT NOT NULL, id TEXT NOT NULL, name TEXT, media_url TEXT, attrs TEXT, record_type INTEGER NOT NULL, batch INTEGER NOT NULL)""")
    c.execute("CREATE INDEX entities_key ON entities (h)")
    c.execute("BEGIN")
    rows = [(hash(("product", "sku-%07d" % i)) , "product", "sku-%07d" % i, "Item %d" % i, "https://img/%d.jpg" % i, '{"price":%d.5,"stock":3,"brand":"b"}' % i, 1, 1) for i in range(n)]
    c.executemany("INSERT INTO entities (h,type,id,name,media_url,attrs,record_type,batch) VALUES (?,?,?,?,?,?,?,?)", rows)
    c.execute("COMMIT"); c.execute("PRAGMA wal_checkpoint(TRUNCATE)"); c.close()
    return rows
def run(path, rows, savepoint, temp, orfail):
    c = sqlite3.connect(path, isolation_level=None)
    c.execute(f"PRAGMA synchronous=NORMAL"); c.execute("PRAGMA cache_size=-32768"); c.execute(f"PRAGMA temp_store={temp}")
    c.execute("BEGIN IMMEDIATE")
    if savepoint: c.execute("SAVEPOINT merge")
    o = " OR FAIL" if orfail else ""
    ins = f"INSERT{o} INTO entities (h,type,id,name,media_url,attrs,record_type,batch) SELECT ?,?,?,?,?,?,?,? WHERE NOT EXISTS (SELECT 1 FROM entities WHERE h=?1 AND type=?2 AND id=?3)"
    upd = f"UPDATE{o} entities SET name=?4, media_url=?5, attrs=?6, record_type=?7, batch=?8 WHERE h=?1 AND type=?2 AND id=?3"
    t = time.time()
    for r in rows:
        r2 = (r[0], r[1], r[2], r[3]+"x", r[4], r[5], r[6], 2)
        cur = c.execute(ins, r2)
        if cur.rowcount == 0:
            c.execute(upd, r2)
    el = time.time()-t
    if savepoint: c.execute("ROLLBACK TO merge")
    c.execute("ROLLBACK")
    c.close()
    return el
n = int(sys.argv[1]) if len(sys.argv) > 1 else 100000
import tempfile
db = os.path.join(tempfile.mkdtemp(), "t.db")
rows = setup(db, n)
for sp in (False, True):
    for temp in ("MEMORY", "FILE"):
        for orf in (False, True):
            print(f"savepoint={sp} temp={temp} orfail={orf}: {run(db, rows, sp, temp, orf):.2f}s", flush=True)
