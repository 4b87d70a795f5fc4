// How SQL parameters become driver placeholders: markers inside literals, comments, casts and
// dollar quotes are left alone, and values never enter the text.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { bind } from '../../runtime/nodes/database/placeholders';
import { validateQuery } from '../../runtime/nodes/database/validator';
import { parseConnection, redactUrl } from '../../runtime/nodes/database/url';

describe('bind', () => {
  it('turns :name into $n on PostgreSQL (reusing repeats) and ? elsewhere', () => {
    const sql = 'UPDATE t SET a = :a, b = :b WHERE a <> :a';
    assert.deepEqual(bind(sql, { a: 1, b: 'x', extra: true }, 'postgresql'), {
      text: 'UPDATE t SET a = $1, b = $2 WHERE a <> $1',
      values: [1, 'x'],
    });
    assert.deepEqual(bind(sql, { a: 1, b: 'x' }, 'mysql'), { text: 'UPDATE t SET a = ?, b = ? WHERE a <> ?', values: [1, 'x', 1] });
  });

  it('leaves literals, identifiers, comments, casts and dollar quotes alone', () => {
    const pg = `SELECT ':no', "col:no", x::int, E'it\\'s :no', $$ :no $$, $tag$ :no $tag$ -- :no\n /* :no */ FROM t WHERE id = :id`;
    assert.deepEqual(bind(pg, { id: 7 }, 'postgresql'), { text: pg.replace(':id', '$1'), values: [7] });
    const my = 'SELECT \'it\\\'s :no\', `c:no`, "d\\":no" # :no\nFROM t WHERE id = :id';
    assert.deepEqual(bind(my, { id: 7 }, 'mysql'), { text: my.replace(':id', '?'), values: [7] });
    const lite = "SELECT 'a''b :no ?' WHERE x = ?";
    assert.deepEqual(bind(lite, ['v'], 'sqlite'), { text: lite, values: ['v'] });
  });

  it('maps ?, %s and $n lists, with %% for a literal percent', () => {
    assert.deepEqual(bind('SELECT ? , ?', [1, 2], 'postgresql'), { text: 'SELECT $1 , $2', values: [1, 2] });
    assert.deepEqual(bind("SELECT %s WHERE n LIKE 'a%%' AND m LIKE %s", ['x', 'y%'], 'mysql'), {
      text: "SELECT ? WHERE n LIKE 'a%%' AND m LIKE ?",
      values: ['x', 'y%'],
    });
    assert.deepEqual(bind('SELECT %s, 100 %% 7', [1], 'postgresql'), { text: 'SELECT $1, 100 % 7', values: [1] });
    assert.deepEqual(bind('SELECT $2, $1', ['a', 'b'], 'postgresql'), { text: 'SELECT $2, $1', values: ['a', 'b'] });
    assert.deepEqual(bind('SELECT ?', 5, 'sqlite'), { text: 'SELECT ?', values: [5] });
  });

  it('refuses what cannot bind, naming the problem', () => {
    assert.throws(() => bind('SELECT :a, :b', { a: 1 }, 'postgresql'), /No value for the query parameter :b/);
    assert.throws(() => bind('SELECT :a', null, 'sqlite'), /No value for the query parameter :a/);
    assert.throws(() => bind('SELECT ?, ?', [1], 'mysql'), /2 placeholders but 1 parameter was given/);
    assert.throws(() => bind('SELECT $3', [1], 'postgresql'), /refers to \$3 but 1 parameter was given/);
    assert.throws(() => bind('SELECT :a', [1], 'postgresql'), /pass a dict/);
    assert.throws(() => bind('SELECT ? WHERE :a', { a: 1 }, 'mysql'), /mixes named/);
  });

  it('keeps an injection attempt a value', () => {
    const evil = "x'; DROP TABLE users; --";
    assert.deepEqual(bind('INSERT INTO u (name) VALUES (:name)', { name: evil }, 'sqlite'), {
      text: 'INSERT INTO u (name) VALUES (?)',
      values: [evil],
    });
  });
});

describe('connection strings and the query validator', () => {
  it('reads SQLAlchemy URLs and labels them without the password', () => {
    const pg = parseConnection('postgresql+psycopg2://app:s3cr%40t@db.local:6543/sales?sslmode=require', '/w');
    assert.equal(pg.label, 'postgresql://app@db.local:6543/sales');
    assert.equal(pg.password, 's3cr@t');
    assert.equal(parseConnection('mysql+pymysql://root@127.0.0.1/test', '/w').label, 'mysql://root@127.0.0.1:3306/test');
    assert.equal(parseConnection('sqlite:///data/app.db', '/w').file, '/w/data/app.db');
    assert.equal(parseConnection('sqlite:////var/app.db', '/w').file, '/var/app.db');
    assert.equal(parseConnection('sqlite:///:memory:', '/w').file, undefined);
    assert.equal(redactUrl('failed for postgresql://u:pw@h/db?password=pw2'), 'failed for postgresql://u:***@h/db?password=***');
  });

  it("applies Kailash's rules: dangerous patterns always, DDL unless allow_admin", () => {
    assert.doesNotThrow(() => validateQuery('SELECT * FROM t WHERE id = :id;', false));
    assert.throws(() => validateQuery('SELECT 1; DROP TABLE t', true), /multiple statements/);
    assert.throws(() => validateQuery('SELECT pg_sleep(10)', true), /time-based/);
    assert.throws(() => validateQuery("SELECT LOAD_FILE('/etc/passwd')", true), /file access/);
    assert.throws(() => validateQuery('TRUNCATE t', false), /administrative command/);
    assert.doesNotThrow(() => validateQuery('TRUNCATE t', true));
  });
});
