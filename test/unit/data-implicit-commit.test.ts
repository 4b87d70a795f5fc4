import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { commitsImplicitly } from '../../runtime/nodes/database/implicit-commit';
import { statementPieces } from '../../runtime/nodes/database/sqlite-statements';

describe('MySQL statements that commit implicitly', () => {
  it('names DDL, privileges, locks and transaction control, however the statement starts', () => {
    for (const q of [
      'CREATE TABLE t (id int)',
      '  create index i on t (id)',
      '-- note\nALTER TABLE t ADD c int',
      '/* x */ DROP TABLE t',
      '(CREATE VIEW v AS SELECT 1)',
      'CREATE OR REPLACE VIEW v AS SELECT 1',
      'RENAME TABLE a TO b',
      'TRUNCATE TABLE t',
      'GRANT SELECT ON t TO u',
      'LOCK TABLES t WRITE',
      'START TRANSACTION',
      'BEGIN',
      'COMMIT',
      'ROLLBACK',
      'SET autocommit = 1',
      'SET SESSION autocommit=1',
      'OPTIMIZE TABLE t',
      '/*!50100 CREATE TABLE t (id int) */',
    ]) {
      assert.equal(commitsImplicitly(q), true, q);
    }
  });

  it('leaves DML, temporary tables and savepoints alone', () => {
    for (const q of [
      'INSERT INTO t VALUES (1)',
      'UPDATE created SET x = 1',
      'SELECT * FROM drops',
      'CREATE TEMPORARY TABLE t (id int)',
      'DROP TEMPORARY TABLE t',
      'SAVEPOINT a',
      'ROLLBACK TO SAVEPOINT a',
      "INSERT INTO log VALUES ('CREATE TABLE x')",
      'SET @a = 1',
    ]) {
      assert.equal(commitsImplicitly(q), false, q);
    }
  });
});

describe('SQLite statement pieces', () => {
  it('splits at semicolons outside quotes, brackets and comments', () => {
    assert.deepEqual(statementPieces('SELECT \';\'; SELECT "a;b", [c;d], `e;f` -- g;h\n; /* i;j */ SELECT 1'), [
      "SELECT ';';",
      ' SELECT "a;b", [c;d], `e;f` -- g;h\n;',
      ' /* i;j */ SELECT 1',
    ]);
    assert.deepEqual(statementPieces("SELECT 'it''s;'"), ["SELECT 'it''s;'"]);
  });
});
