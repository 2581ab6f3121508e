/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gstdio.h>
#include <sqlite3.h>

#include "scim-core.h"

/* Plan & control on real files: stage moves and their history, the plan's
 * rules and every role check (a refused write is compared with a digest of
 * every table), undo of a deleted task, plan templates, and the control
 * view's filters on hand-built data with known answers at fixed times.
 * Local time is Moscow's, so a local day is not a UTC day. */

static char *tmpdir;

typedef struct
{
  ScimStore *store;
  char      *path;
  gint64     admin;
  gint64     head;
  gint64     ivan;      /* a salesperson */
  gint64     petr;      /* another salesperson */
  gint64     gone;      /* a salesperson who may no longer sign in */
  gint64     product;   /* the seed's funnel: 7 open, 3 won, paused, lost */
  gint64     other;     /* another product */
  gint64     client;
  gint64     sale;      /* ivan's */
  gint64     petr_sale;
} Fixture;

/* Raw access */

static sqlite3 *
raw_open (const char *path)
{
  sqlite3 *db = NULL;

  g_assert_cmpint (sqlite3_open_v2 (path, &db, SQLITE_OPEN_READWRITE, NULL), ==, SQLITE_OK);
  sqlite3_busy_timeout (db, 5000);
  return db;
}

static gint64
raw_int (const char *path,
         const char *sql)
{
  sqlite3 *db = raw_open (path);
  sqlite3_stmt *stmt = NULL;
  gint64 value = -1;

  if (sqlite3_prepare_v2 (db, sql, -1, &stmt, NULL) != SQLITE_OK)
    g_error ("raw_int: %s: %s", sql, sqlite3_errmsg (db));
  if (sqlite3_step (stmt) == SQLITE_ROW)
    value = sqlite3_column_int64 (stmt, 0);
  sqlite3_finalize (stmt);
  sqlite3_close (db);
  return value;
}

static char *
raw_text (const char *path,
          const char *sql)
{
  sqlite3 *db = raw_open (path);
  sqlite3_stmt *stmt = NULL;
  char *value = NULL;

  if (sqlite3_prepare_v2 (db, sql, -1, &stmt, NULL) != SQLITE_OK)
    g_error ("raw_text: %s: %s", sql, sqlite3_errmsg (db));
  if (sqlite3_step (stmt) == SQLITE_ROW && sqlite3_column_type (stmt, 0) != SQLITE_NULL)
    value = g_strdup ((const char *) sqlite3_column_text (stmt, 0));
  sqlite3_finalize (stmt);
  sqlite3_close (db);
  return value;
}

static gint64
raw_exec (const char *path,
          const char *sql)
{
  sqlite3 *db = raw_open (path);
  char *err = NULL;
  gint64 id;

  sqlite3_exec (db, "PRAGMA foreign_keys = ON", NULL, NULL, NULL);
  if (sqlite3_exec (db, sql, NULL, NULL, &err) != SQLITE_OK)
    g_error ("raw_exec: %s: %s", sql, err);
  id = sqlite3_last_insert_rowid (db);
  sqlite3_close (db);
  return id;
}

static gint64 rawf (const char *path, const char *format, ...) G_GNUC_PRINTF (2, 3);
static gint64 execf (const char *path, const char *format, ...) G_GNUC_PRINTF (2, 3);
static char *textf (const char *path, const char *format, ...) G_GNUC_PRINTF (2, 3);

static gint64
rawf (const char *path,
      const char *format,
      ...)
{
  g_autofree char *sql = NULL;
  va_list args;

  va_start (args, format);
  sql = g_strdup_vprintf (format, args);
  va_end (args);
  return raw_int (path, sql);
}

static gint64
execf (const char *path,
       const char *format,
       ...)
{
  g_autofree char *sql = NULL;
  va_list args;

  va_start (args, format);
  sql = g_strdup_vprintf (format, args);
  va_end (args);
  return raw_exec (path, sql);
}

static char *
textf (const char *path,
       const char *format,
       ...)
{
  g_autofree char *sql = NULL;
  va_list args;

  va_start (args, format);
  sql = g_strdup_vprintf (format, args);
  va_end (args);
  return raw_text (path, sql);
}

/* Every row of every table but the sessions, as one checksum: equal
 * digests mean nothing was written. */
static char *
digest (const char *path)
{
  sqlite3 *db = raw_open (path);
  sqlite3_stmt *tables = NULL;
  g_autoptr(GChecksum) sum = g_checksum_new (G_CHECKSUM_SHA256);

  g_assert_cmpint (sqlite3_prepare_v2 (db, "SELECT name FROM sqlite_schema WHERE type = 'table' "
                                           "AND name != 'sessions' ORDER BY name", -1, &tables, NULL), ==, SQLITE_OK);
  while (sqlite3_step (tables) == SQLITE_ROW)
    {
      g_autofree char *sql = g_strdup_printf ("SELECT * FROM \"%s\" ORDER BY 1", sqlite3_column_text (tables, 0));
      sqlite3_stmt *rows = NULL;

      g_checksum_update (sum, sqlite3_column_text (tables, 0), -1);
      g_assert_cmpint (sqlite3_prepare_v2 (db, sql, -1, &rows, NULL), ==, SQLITE_OK);
      while (sqlite3_step (rows) == SQLITE_ROW)
        for (int i = 0; i < sqlite3_column_count (rows); i++)
          {
            const unsigned char *text = sqlite3_column_text (rows, i);
            g_checksum_update (sum, text != NULL ? text : (const guchar *) "\1NULL", -1);
            g_checksum_update (sum, (const guchar *) "\2", 1);
          }
      sqlite3_finalize (rows);
    }
  sqlite3_finalize (tables);
  sqlite3_close (db);
  return g_strdup (g_checksum_get_string (sum));
}

/* Asserts that @path still has the digest @before; the new digest
 * is freed, so a comparison leaks nothing. */
#define assert_same_digest(path, before)                        \
  G_STMT_START {                                                \
    g_autofree char *now__ = digest (path);                     \
    g_assert_cmpstr ((before), ==, now__);                      \
  } G_STMT_END

/* Asserts that @error is a refusal of @code and that the file did not change. */
#define assert_refused(f, before, error, code)                      \
  G_STMT_START {                                                    \
    g_autofree char *after__ = digest ((f)->path);                  \
    g_assert_error ((error), SCIM_STORE_ERROR, (code));             \
    g_assert_cmpstr ((before), ==, after__);                        \
    g_clear_error (&(error));                                       \
  } G_STMT_END

/* The counters of schema version 5 agree with the tasks. */
static void
assert_counters (Fixture *f)
{
  g_assert_cmpint (raw_int (f->path, "SELECT count(*) FROM sales s WHERE open_tasks != "
                                     "(SELECT count(*) FROM tasks k WHERE k.sale_id = s.id AND k.state = 'planned')"),
                   ==, 0);
}

/* Positions of every plan are 0..n-1. */
static void
assert_positions (Fixture *f)
{
  g_assert_cmpint (raw_int (f->path, "SELECT count(*) FROM (SELECT sale_id, count(*) AS n, min(position) AS lo, "
                                     "max(position) AS hi, count(DISTINCT position) AS d FROM tasks GROUP BY sale_id) "
                                     "WHERE lo != 0 OR hi != n - 1 OR d != n"), ==, 0);
}

/* Fixture */

static void
sign_in (Fixture    *f,
         const char *login)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(ScimUser) user = scim_store_sign_in (f->store, login, NULL, &error);

  g_assert_no_error (error);
}

static gint64
stage_of (Fixture    *f,
          gint64      product,
          const char *kind,
          int         nth)
{
  return rawf (f->path, "SELECT id FROM stages WHERE product_id = %" G_GINT64_FORMAT " AND kind = '%s' "
               "ORDER BY position LIMIT 1 OFFSET %d", product, kind, nth);
}

static gint64
add_task (Fixture    *f,
          gint64      sale,
          const char *title,
          gint64      owner)
{
  g_autoptr(GError) error = NULL;
  ScimTaskFields fields = { .title = title, .owner_id = owner };
  gint64 id = scim_store_add_task (f->store, sale, -1, &fields, &error);

  g_assert_no_error (error);
  g_assert_cmpint (id, >, 0);
  return id;
}

static gint64
version_of (Fixture    *f,
            const char *table,
            gint64      id)
{
  return rawf (f->path, "SELECT version FROM %s WHERE id = %" G_GINT64_FORMAT, table, id);
}

static gint64
change_count (Fixture    *f,
              const char *entity,
              gint64      id,
              const char *action)
{
  return rawf (f->path, "SELECT count(*) FROM change_log WHERE entity = '%s' AND entity_id = %" G_GINT64_FORMAT
               " AND action = '%s'", entity, id, action);
}

static void
fixture_set_up (Fixture       *f,
                gconstpointer  data)
{
  static int n;
  g_autoptr(GError) error = NULL;
  g_autofree char *name = g_strdup_printf ("sales-%d.db", ++n);
  ScimClientFields client = { .kind = "company", .name = "ООО «Ромашка»" };

  f->path = g_build_filename (tmpdir, name, NULL);
  f->store = scim_store_open (f->path, SCIM_STORE_CREATE, &error);
  g_assert_no_error (error);
  f->admin = scim_store_add_user (f->store, "admin", "Анна Админова", NULL, SCIM_ROLE_ADMIN, TRUE, NULL, &error);
  g_assert_no_error (error);
  sign_in (f, "admin");
  f->head = scim_store_add_user (f->store, "head", "Игорь Начальников", NULL, SCIM_ROLE_HEAD, FALSE, NULL, &error);
  g_assert_no_error (error);
  f->ivan = scim_store_add_user (f->store, "ivan", "Пётр Иванов", NULL, SCIM_ROLE_SALES, FALSE, NULL, &error);
  g_assert_no_error (error);
  f->petr = scim_store_add_user (f->store, "petr", "Пётр Петров", NULL, SCIM_ROLE_SALES, FALSE, NULL, &error);
  g_assert_no_error (error);
  f->gone = scim_store_add_user (f->store, "gone", "Ушедший", NULL, SCIM_ROLE_SALES, FALSE, NULL, &error);
  g_assert_no_error (error);
  g_assert_true (scim_store_set_user_flags (f->store, f->gone, FALSE, FALSE, &error));
  g_assert_no_error (error);

  f->product = scim_store_add_product (f->store, "Консалтинг", NULL, 0, 0, SCIM_FUNNEL_TEMPLATE, 0, &error);
  g_assert_no_error (error);
  f->other = scim_store_add_product (f->store, "Аудит", NULL, 0, 0, SCIM_FUNNEL_EMPTY, 0, &error);
  g_assert_no_error (error);
  f->client = scim_store_add_client (f->store, &client, &error);
  g_assert_no_error (error);

  f->sale = scim_store_add_sale (f->store, f->client, f->product, f->ivan, 100000, 0, &error);
  g_assert_no_error (error);
  f->petr_sale = scim_store_add_sale (f->store, f->client, f->product, f->petr, 50000, 0, &error);
  g_assert_no_error (error);
}

static void
fixture_tear_down (Fixture       *f,
                   gconstpointer  data)
{
  scim_store_close (f->store);
  g_assert_finalize_object (f->store);
  g_free (f->path);
}

/* Sales */

static void
test_add_sale (Fixture       *f,
               gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(ScimSale) sale = NULL;
  g_autofree char *before = NULL;
  gint64 id;

  /* At the first stage of the funnel, with that step in its history. */
  g_assert_cmpint (rawf (f->path, "SELECT stage_id FROM sales WHERE id = %" G_GINT64_FORMAT, f->sale), ==,
                   stage_of (f, f->product, "open", 0));
  g_assert_cmpint (rawf (f->path, "SELECT count(*) FROM stage_changes WHERE sale_id = %" G_GINT64_FORMAT
                         " AND from_stage_id IS NULL AND user_id = %" G_GINT64_FORMAT, f->sale, f->admin), ==, 1);
  g_assert_cmpint (change_count (f, "sales", f->sale, "insert"), ==, 1);

  sale = scim_store_get_sale (f->store, f->sale, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (scim_record_get_string (SCIM_RECORD (sale), "owner"), ==, "Пётр Иванов");
  g_assert_cmpint (scim_record_get_int (SCIM_RECORD (sale), "amount"), ==, 100000);
  g_assert_cmpint (scim_record_get_int (SCIM_RECORD (sale), "open-tasks"), ==, 0);
  g_assert_null (scim_store_get_sale (f->store, 999, &error));
  g_assert_error (error, SCIM_STORE_ERROR, SCIM_STORE_ERROR_NOT_FOUND);
  g_clear_error (&error);

  /* A salesperson starts sales for themselves only. */
  sign_in (f, "ivan");
  id = scim_store_add_sale (f->store, f->client, f->product, 0, 0, 0, &error);
  g_assert_no_error (error);
  g_assert_cmpint (rawf (f->path, "SELECT owner_id FROM sales WHERE id = %" G_GINT64_FORMAT, id), ==, f->ivan);
  before = digest (f->path);
  g_assert_cmpint (scim_store_add_sale (f->store, f->client, f->product, f->petr, 0, 0, &error), ==, 0);
  assert_refused (f, before, error, SCIM_STORE_ERROR_PERMISSION);
  g_assert_cmpint (scim_store_add_sale (f->store, f->client, f->product, 0, -1, 0, &error), ==, 0);
  assert_refused (f, before, error, SCIM_STORE_ERROR_INVALID);
  g_assert_cmpint (scim_store_add_sale (f->store, 999, f->product, 0, 0, 0, &error), ==, 0);
  assert_refused (f, before, error, SCIM_STORE_ERROR_INVALID);
}

static void
test_move_history (Fixture       *f,
                   gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) history = NULL;
  gint64 first = stage_of (f, f->product, "open", 0);
  gint64 third = stage_of (f, f->product, "open", 2);
  gint64 t0 = g_get_real_time () / G_USEC_PER_SEC;
  ScimStageMove *move;

  sign_in (f, "ivan");
  g_assert_true (scim_store_move_sale (f->store, f->sale, third, NULL, 0, &error));
  g_assert_no_error (error);
  /* Back as well as forward, with a reason kept. */
  sign_in (f, "head");
  g_assert_true (scim_store_move_sale (f->store, f->sale, first, "Клиент сменил директора", 0, &error));
  g_assert_no_error (error);

  history = scim_store_sale_history (f->store, f->sale, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (history->len, ==, 3);
  move = g_ptr_array_index (history, 0);
  g_assert_null (move->from);
  g_assert_cmpstr (move->by, ==, "Анна Админова");
  move = g_ptr_array_index (history, 1);
  g_assert_cmpstr (move->from, ==, "Not aware of the product");
  g_assert_cmpstr (move->to, ==, "Interest found");
  g_assert_cmpstr (move->by, ==, "Пётр Иванов");
  g_assert_null (move->reason);
  g_assert_cmpint (move->at, >=, t0);
  g_assert_cmpint (move->at, <=, g_get_real_time () / G_USEC_PER_SEC);
  move = g_ptr_array_index (history, 2);
  g_assert_cmpstr (move->from, ==, "Interest found");
  g_assert_cmpstr (move->to, ==, "Not aware of the product");
  g_assert_cmpstr (move->by, ==, "Игорь Начальников");
  g_assert_cmpstr (move->reason, ==, "Клиент сменил директора");

  /* Who, when, from, to in the table itself; the sale, its stage interval
   * and the change log follow. */
  g_assert_cmpint (rawf (f->path, "SELECT count(*) FROM stage_changes WHERE sale_id = %" G_GINT64_FORMAT
                         " AND from_stage_id = %" G_GINT64_FORMAT " AND to_stage_id = %" G_GINT64_FORMAT
                         " AND user_id = %" G_GINT64_FORMAT " AND at >= %" G_GINT64_FORMAT,
                         f->sale, first, third, f->ivan, t0), ==, 1);
  g_assert_cmpint (rawf (f->path, "SELECT stage_id FROM sales WHERE id = %" G_GINT64_FORMAT, f->sale), ==, first);
  g_assert_cmpint (rawf (f->path, "SELECT stage_entered_at >= %" G_GINT64_FORMAT " FROM sales WHERE id = %"
                         G_GINT64_FORMAT, t0, f->sale), ==, 1);
  g_assert_cmpint (rawf (f->path, "SELECT count(*) FROM stage_intervals WHERE sale_id = %" G_GINT64_FORMAT
                         " AND left_at IS NULL AND stage_id = %" G_GINT64_FORMAT, f->sale, first), ==, 1);
  g_assert_cmpint (version_of (f, "sales", f->sale), ==, 3);
  g_assert_cmpint (change_count (f, "sales", f->sale, "update"), ==, 2);
  g_assert_cmpint (rawf (f->path, "SELECT count(*) FROM change_log WHERE entity = 'stage_changes'"), ==, 2 + 2);

  g_assert_null (scim_store_sale_history (f->store, 999, &error));
  g_assert_error (error, SCIM_STORE_ERROR, SCIM_STORE_ERROR_NOT_FOUND);
}

static void
test_move_rules (Fixture       *f,
                 gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *before = NULL;
  gint64 open = stage_of (f, f->product, "open", 1);
  gint64 won = stage_of (f, f->product, "won", 0);
  gint64 won2 = stage_of (f, f->product, "won", 1);
  gint64 lost = stage_of (f, f->product, "lost", 0);
  gint64 paused = stage_of (f, f->product, "paused", 0);
  gint64 now = g_get_real_time () / G_USEC_PER_SEC;
  g_autofree char *reason = NULL;

  sign_in (f, "ivan");
  before = digest (f->path);

  /* A stage of another funnel, the present stage, no sale. */
  g_assert_false (scim_store_move_sale (f->store, f->sale, stage_of (f, f->other, "open", 0), NULL, 0, &error));
  g_assert_true (g_str_has_prefix (error->message, "Stage:"));
  assert_refused (f, before, error, SCIM_STORE_ERROR_INVALID);
  g_assert_false (scim_store_move_sale (f->store, f->sale, stage_of (f, f->product, "open", 0), NULL, 0, &error));
  assert_refused (f, before, error, SCIM_STORE_ERROR_INVALID);
  g_assert_false (scim_store_move_sale (f->store, 999, open, NULL, 0, &error));
  assert_refused (f, before, error, SCIM_STORE_ERROR_NOT_FOUND);

  /* Lost needs a reason; blanks are none. */
  g_assert_false (scim_store_move_sale (f->store, f->sale, lost, NULL, 0, &error));
  g_assert_true (g_str_has_prefix (error->message, "Reason:"));
  assert_refused (f, before, error, SCIM_STORE_ERROR_INVALID);
  g_assert_false (scim_store_move_sale (f->store, f->sale, lost, "   ", 0, &error));
  assert_refused (f, before, error, SCIM_STORE_ERROR_INVALID);

  /* Paused needs a time in the future. */
  g_assert_false (scim_store_move_sale (f->store, f->sale, paused, NULL, 0, &error));
  g_assert_true (g_str_has_prefix (error->message, "Until:"));
  assert_refused (f, before, error, SCIM_STORE_ERROR_INVALID);
  g_assert_false (scim_store_move_sale (f->store, f->sale, paused, NULL, now - 3600, &error));
  assert_refused (f, before, error, SCIM_STORE_ERROR_INVALID);

  g_assert_true (scim_store_move_sale (f->store, f->sale, paused, NULL, now + 7 * 86400, &error));
  g_assert_no_error (error);
  g_assert_cmpint (rawf (f->path, "SELECT paused_until FROM sales WHERE id = %" G_GINT64_FORMAT, f->sale), ==,
                   now + 7 * 86400);
  g_assert_cmpint (rawf (f->path, "SELECT closed_at IS NULL FROM sales WHERE id = %" G_GINT64_FORMAT, f->sale), ==, 1);

  /* Lost: closed, with the reason on the sale and in the history. */
  g_assert_true (scim_store_move_sale (f->store, f->sale, lost, "  Нет бюджета ", 0, &error));
  g_assert_no_error (error);
  reason = textf (f->path, "SELECT lost_reason FROM sales WHERE id = %" G_GINT64_FORMAT, f->sale);
  g_assert_cmpstr (reason, ==, "Нет бюджета");
  g_clear_pointer (&reason, g_free);
  reason = textf (f->path, "SELECT reason FROM stage_changes WHERE sale_id = %" G_GINT64_FORMAT
                  " AND to_stage_id = %" G_GINT64_FORMAT, f->sale, lost);
  g_assert_cmpstr (reason, ==, "Нет бюджета");
  g_assert_cmpint (rawf (f->path, "SELECT closed_at >= %" G_GINT64_FORMAT " AND paused_until IS NULL "
                         "FROM sales WHERE id = %" G_GINT64_FORMAT, now, f->sale), ==, 1);

  /* Back in work: open again, the reason gone. */
  g_assert_true (scim_store_move_sale (f->store, f->sale, open, NULL, 0, &error));
  g_assert_no_error (error);
  g_assert_cmpint (rawf (f->path, "SELECT closed_at IS NULL AND lost_reason IS NULL FROM sales WHERE id = %"
                         G_GINT64_FORMAT, f->sale), ==, 1);

  /* Won closes it; from one won stage to the next it keeps the day it
   * closed; back to an open stage clears it. */
  g_assert_true (scim_store_move_sale (f->store, f->sale, won, NULL, 0, &error));
  g_assert_no_error (error);
  g_assert_cmpint (rawf (f->path, "SELECT closed_at >= %" G_GINT64_FORMAT " FROM sales WHERE id = %" G_GINT64_FORMAT,
                         now, f->sale), ==, 1);
  execf (f->path, "UPDATE sales SET closed_at = 1700000000 WHERE id = %" G_GINT64_FORMAT, f->sale);
  g_assert_true (scim_store_move_sale (f->store, f->sale, won2, NULL, 0, &error));
  g_assert_no_error (error);
  g_assert_cmpint (rawf (f->path, "SELECT closed_at FROM sales WHERE id = %" G_GINT64_FORMAT, f->sale), ==,
                   1700000000);
  g_assert_true (scim_store_move_sale (f->store, f->sale, open, NULL, 0, &error));
  g_assert_no_error (error);
  g_assert_cmpint (rawf (f->path, "SELECT closed_at IS NULL FROM sales WHERE id = %" G_GINT64_FORMAT, f->sale), ==, 1);
  g_assert_cmpint (rawf (f->path, "SELECT count(*) FROM stage_changes WHERE sale_id = %" G_GINT64_FORMAT, f->sale),
                   ==, 1 + 6);
}

/* A lead's fields as a merge sees them. */
static GVariant *
lead_fields (const char *name,
             const char *email,
             const char *phone)
{
  GVariantBuilder b;

  g_variant_builder_init (&b, G_VARIANT_TYPE_VARDICT);
  g_variant_builder_add (&b, "{sv}", "name", g_variant_new_string (name));
  g_variant_builder_add (&b, "{sv}", "email", g_variant_new_string (email));
  g_variant_builder_add (&b, "{sv}", "phone", g_variant_new_string (phone));
  return g_variant_ref_sink (g_variant_builder_end (&b));
}

static GVariant *
row_of (ScimStore    *store,
        ScimListKind  kind,
        gint64        id)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) rows = scim_store_load_rows (store, kind, &id, 1, &error);

  g_assert_no_error (error);
  g_assert_cmpuint (rows->len, ==, 1);
  return g_variant_ref (g_ptr_array_index (rows, 0));
}

static const char *
row_string (GVariant   *row,
            const char *key)
{
  const char *value = NULL;

  g_assert_true (g_variant_lookup (row, key, "&s", &value));
  return value;
}

static gint64
row_int (GVariant   *row,
         const char *key)
{
  gint64 value = 0;

  g_assert_true (g_variant_lookup (row, key, "x", &value));
  return value;
}

/* Two people, two connections, one lead and one sale: exactly one save from
 * the same version wins; the other gets the conflict, reads theirs and who
 * saved it; a merge of fields that do not collide keeps both changes, a
 * collision is found as one. */
/* Two people move the same sale from what they saw: the second move is
 * refused, naming who moved it where, and nothing is written. */
static void
test_conflict_stage_move (Fixture       *f,
                          gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(ScimStore) other = NULL;
  g_autoptr(ScimUser) head = NULL;
  g_autofree char *before = NULL;
  gint64 first = stage_of (f, f->product, "open", 0);
  gint64 second = stage_of (f, f->product, "open", 1);
  gint64 third = stage_of (f, f->product, "open", 2);

  sign_in (f, "ivan");
  other = scim_store_open (f->path, SCIM_STORE_NONE, &error);
  g_assert_no_error (error);
  head = scim_store_sign_in (other, "head", NULL, &error);
  g_assert_no_error (error);

  /* Both see the sale at the first stage; the head moves it first. */
  g_assert_true (scim_store_move_sale_from (other, f->sale, first, third, NULL, 0, &error));
  g_assert_no_error (error);
  before = digest (f->path);
  g_assert_false (scim_store_move_sale_from (f->store, f->sale, first, second, NULL, 0, &error));
  g_assert_error (error, SCIM_STORE_ERROR, SCIM_STORE_ERROR_CONFLICT);
  g_assert_nonnull (strstr (error->message, "Игорь Начальников"));
  {
    g_autofree char *sql = g_strdup_printf ("SELECT name FROM stages WHERE id = %" G_GINT64_FORMAT, third);
    g_autofree char *name = raw_text (f->path, sql);
    g_assert_nonnull (strstr (error->message, name));
  }
  {
    g_autofree char *after = digest (f->path);
    g_assert_cmpstr (before, ==, after);
  }
  g_clear_error (&error);

  /* Seen from where it is now, the move goes. */
  g_assert_true (scim_store_move_sale_from (f->store, f->sale, third, second, NULL, 0, &error));
  g_assert_no_error (error);
  {
    g_autofree char *sql = g_strdup_printf ("SELECT stage_id FROM sales WHERE id = %" G_GINT64_FORMAT, f->sale);
    g_assert_cmpint (raw_int (f->path, sql), ==, second);
  }
}

static void
test_conflict_two_connections (Fixture       *f,
                               gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(ScimStore) other = NULL;
  g_autoptr(ScimUser) head = NULL;
  g_autoptr(GVariant) base_row = NULL;
  g_autoptr(GVariant) theirs_row = NULL;
  g_autoptr(GVariant) after = NULL;
  g_autoptr(GVariant) base = NULL;
  g_autoptr(GVariant) mine = NULL;
  g_autoptr(GVariant) theirs = NULL;
  g_autoptr(GVariant) merged = NULL;
  g_auto(GStrv) collisions = NULL;
  g_autofree char *before = NULL;
  g_autofree char *who = NULL;
  ScimLeadFields lead = { .name = "Ольга", .email = "olga@example.ru", .phone = "+7 900 000-00-00" };
  ScimLeadFields edit = lead;
  ScimLeadFields mine_fields = lead;
  gint64 lead_id, version, at = 0;

  lead_id = scim_store_add_lead (f->store, &lead, &error);
  g_assert_no_error (error);
  base_row = row_of (f->store, SCIM_LIST_LEADS, lead_id);
  version = row_int (base_row, "version");

  other = scim_store_open (f->path, SCIM_STORE_NONE, &error);
  g_assert_no_error (error);
  head = scim_store_sign_in (other, "head", NULL, &error);
  g_assert_no_error (error);

  /* They change the e-mail first. */
  edit.email = "olga@romashka.ru";
  g_assert_true (scim_store_update_lead (other, lead_id, version, &edit, &error));
  g_assert_no_error (error);

  /* My change of the name from the same version is refused, nothing written. */
  mine_fields.name = "Ольга Сергеевна";
  before = digest (f->path);
  g_assert_false (scim_store_update_lead (f->store, lead_id, version, &mine_fields, &error));
  g_assert_error (error, SCIM_STORE_ERROR, SCIM_STORE_ERROR_CONFLICT);
  g_assert_nonnull (strstr (error->message, "Игорь Начальников"));
  g_clear_error (&error);
  assert_same_digest (f->path, before);

  /* Both versions: theirs read back, with who and when. */
  theirs_row = row_of (f->store, SCIM_LIST_LEADS, lead_id);
  g_assert_cmpstr (row_string (theirs_row, "email"), ==, "olga@romashka.ru");
  g_assert_cmpstr (row_string (theirs_row, "name"), ==, "Ольга");
  g_assert_cmpint (row_int (theirs_row, "version"), ==, version + 1);
  g_assert_true (scim_store_last_change (f->store, SCIM_LIST_LEADS, lead_id, &who, &at, &error));
  g_assert_no_error (error);
  g_assert_cmpstr (who, ==, "Игорь Начальников");
  g_assert_cmpint (at, >, 0);

  /* The merge takes my name and their e-mail, and no collision. */
  base = lead_fields ("Ольга", "olga@example.ru", lead.phone);
  mine = lead_fields ("Ольга Сергеевна", "olga@example.ru", lead.phone);
  theirs = lead_fields (row_string (theirs_row, "name"), row_string (theirs_row, "email"), lead.phone);
  merged = scim_merge_fields (base, mine, theirs, &collisions);
  g_assert_cmpuint (g_strv_length (collisions), ==, 0);
  g_assert_true (g_variant_lookup (merged, "name", "&s", &mine_fields.name));
  g_assert_true (g_variant_lookup (merged, "email", "&s", &mine_fields.email));
  g_assert_true (scim_store_update_lead (f->store, lead_id, version + 1, &mine_fields, &error));
  g_assert_no_error (error);
  after = row_of (other, SCIM_LIST_LEADS, lead_id);
  g_assert_cmpstr (row_string (after, "name"), ==, "Ольга Сергеевна");
  g_assert_cmpstr (row_string (after, "email"), ==, "olga@romashka.ru");

  /* Both change the phone: a collision, mine kept until a person chooses. */
  {
    g_autoptr(GVariant) m = lead_fields ("Ольга Сергеевна", "olga@romashka.ru", "+7 900 111-11-11");
    g_autoptr(GVariant) t = lead_fields ("Ольга Сергеевна", "olga@romashka.ru", "+7 900 222-22-22");
    g_autoptr(GVariant) b = lead_fields ("Ольга Сергеевна", "olga@romashka.ru", lead.phone);
    g_autoptr(GVariant) mm = NULL;
    g_autoptr(GVariant) name = NULL;
    g_auto(GStrv) c = NULL;
    const char *phone = NULL;

    mm = scim_merge_fields (b, m, t, &c);
    g_assert_cmpuint (g_strv_length (c), ==, 1);
    g_assert_cmpstr (c[0], ==, "phone");
    g_assert_true (g_variant_lookup (mm, "phone", "&s", &phone));
    g_assert_cmpstr (phone, ==, "+7 900 111-11-11");
    name = g_variant_lookup_value (b, "name", NULL);
    g_assert_cmpint (scim_merge_field (name, name, NULL), ==, SCIM_MERGE_THEIRS);
    g_assert_cmpint (scim_merge_field (NULL, NULL, NULL), ==, SCIM_MERGE_SAME);
  }

  /* The sale: they change the amount, I the close date; one wins, then the merge keeps both. */
  {
    g_autoptr(GVariant) sale = row_of (f->store, SCIM_LIST_SALES, f->sale);
    g_autoptr(GVariant) sale_after = NULL;
    gint64 v = row_int (sale, "version");

    g_assert_true (scim_store_update_sale (other, f->sale, v, 777700, 0, f->ivan, &error));
    g_assert_no_error (error);
    before = (g_free (before), digest (f->path));
    g_assert_false (scim_store_update_sale (f->store, f->sale, v, row_int (sale, "amount"), 1800000000, f->ivan,
                                            &error));
    g_assert_error (error, SCIM_STORE_ERROR, SCIM_STORE_ERROR_CONFLICT);
    g_clear_error (&error);
    assert_same_digest (f->path, before);
    sale_after = row_of (f->store, SCIM_LIST_SALES, f->sale);
    g_assert_cmpint (row_int (sale_after, "amount"), ==, 777700);
    g_assert_true (scim_store_update_sale (f->store, f->sale, row_int (sale_after, "version"),
                                           row_int (sale_after, "amount"), 1800000000, f->ivan, &error));
    g_assert_no_error (error);
    g_assert_cmpint (rawf (f->path, "SELECT amount FROM sales WHERE id = %" G_GINT64_FORMAT, f->sale), ==, 777700);
    g_assert_cmpint (rawf (f->path, "SELECT expected_close FROM sales WHERE id = %" G_GINT64_FORMAT, f->sale), ==,
                     1800000000);
  }
  scim_store_close (other);
}

static void
test_update_sale (Fixture       *f,
                  gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *before = NULL;
  gint64 v;

  sign_in (f, "ivan");
  g_assert_true (scim_store_update_sale (f->store, f->sale, 1, 250000, 1800000000, 0, &error));
  g_assert_no_error (error);
  g_assert_cmpint (rawf (f->path, "SELECT amount FROM sales WHERE id = %" G_GINT64_FORMAT, f->sale), ==, 250000);
  g_assert_cmpint (rawf (f->path, "SELECT expected_close FROM sales WHERE id = %" G_GINT64_FORMAT, f->sale), ==,
                   1800000000);
  g_assert_cmpint (change_count (f, "sales", f->sale, "update"), ==, 1);

  before = digest (f->path);
  /* A stale version, a negative sum, another salesperson: refused. */
  g_assert_false (scim_store_update_sale (f->store, f->sale, 1, 1, 0, 0, &error));
  assert_refused (f, before, error, SCIM_STORE_ERROR_CONFLICT);
  g_assert_false (scim_store_update_sale (f->store, f->sale, 2, -5, 0, 0, &error));
  assert_refused (f, before, error, SCIM_STORE_ERROR_INVALID);
  g_assert_false (scim_store_update_sale (f->store, f->sale, 2, 1, 0, f->petr, &error));
  assert_refused (f, before, error, SCIM_STORE_ERROR_PERMISSION);

  /* A head reassigns, to an active user only. */
  sign_in (f, "head");
  g_assert_false (scim_store_update_sale (f->store, f->sale, 2, 1, 0, f->gone, &error));
  assert_refused (f, before, error, SCIM_STORE_ERROR_INVALID);
  g_assert_true (scim_store_update_sale (f->store, f->sale, 2, 1, 0, f->petr, &error));
  g_assert_no_error (error);
  v = version_of (f, "sales", f->sale);
  g_assert_cmpint (v, ==, 3);
  g_assert_cmpint (rawf (f->path, "SELECT owner_id FROM sales WHERE id = %" G_GINT64_FORMAT, f->sale), ==, f->petr);
}

/* Roles: every write path */

static void
test_roles (Fixture       *f,
            gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *before = NULL;
  g_autoptr(GVariant) row = NULL;
  ScimTaskFields fields = { .title = "Чужое" };
  ScimTemplateTask usual = { "Позвонить", NULL, 1 };
  gint64 next = stage_of (f, f->product, "open", 1);
  gint64 first = stage_of (f, f->product, "open", 0);
  gint64 ivans, petrs_on_ivans, order[2];

  sign_in (f, "admin");
  g_assert_true (scim_store_set_plan_template (f->store, f->product, first, &usual, 1, &error));
  g_assert_no_error (error);
  sign_in (f, "ivan");
  ivans = add_task (f, f->sale, "Позвонить клиенту", 0);
  petrs_on_ivans = add_task (f, f->sale, "Подготовить расчёт", f->petr);
  g_assert_cmpint (rawf (f->path, "SELECT owner_id FROM tasks WHERE id = %" G_GINT64_FORMAT, ivans), ==, f->ivan);
  order[0] = petrs_on_ivans;
  order[1] = ivans;

  /* Another salesperson reads but changes nothing of ivan's sale or plan. */
  sign_in (f, "petr");
  before = digest (f->path);
  g_assert_false (scim_store_may_edit_plan (f->store, f->sale, &error));
  assert_refused (f, before, error, SCIM_STORE_ERROR_PERMISSION);
  g_assert_false (scim_store_update_sale (f->store, f->sale, 1, 5, 0, 0, &error));
  assert_refused (f, before, error, SCIM_STORE_ERROR_PERMISSION);
  g_assert_false (scim_store_move_sale (f->store, f->sale, next, NULL, 0, &error));
  assert_refused (f, before, error, SCIM_STORE_ERROR_PERMISSION);
  g_assert_cmpint (scim_store_add_task (f->store, f->sale, -1, &fields, &error), ==, 0);
  assert_refused (f, before, error, SCIM_STORE_ERROR_PERMISSION);
  g_assert_false (scim_store_update_task (f->store, ivans, 1, &fields, &error));
  assert_refused (f, before, error, SCIM_STORE_ERROR_PERMISSION);
  /* Not even their own task's text: only closing it. */
  g_assert_false (scim_store_update_task (f->store, petrs_on_ivans, 1, &fields, &error));
  assert_refused (f, before, error, SCIM_STORE_ERROR_PERMISSION);
  g_assert_false (scim_store_finish_task (f->store, ivans, 1, "done", "Сделано", &error));
  assert_refused (f, before, error, SCIM_STORE_ERROR_PERMISSION);
  g_assert_false (scim_store_reorder_tasks (f->store, f->sale, order, 2, &error));
  assert_refused (f, before, error, SCIM_STORE_ERROR_PERMISSION);
  g_assert_null (scim_store_delete_task (f->store, ivans, &error));
  assert_refused (f, before, error, SCIM_STORE_ERROR_PERMISSION);
  g_assert_null (scim_store_delete_task (f->store, petrs_on_ivans, &error));
  assert_refused (f, before, error, SCIM_STORE_ERROR_PERMISSION);
  g_assert_cmpint (scim_store_apply_plan_template (f->store, f->sale, 0, &error), ==, -1);
  assert_refused (f, before, error, SCIM_STORE_ERROR_PERMISSION);
  g_assert_false (scim_store_set_plan_template (f->store, f->product, first, &usual, 1, &error));
  assert_refused (f, before, error, SCIM_STORE_ERROR_PERMISSION);

  /* Ivan closed and reopened by someone else is refused too. */
  sign_in (f, "ivan");
  g_assert_true (scim_store_finish_task (f->store, ivans, 1, "failed", "Не дозвонился", &error));
  g_assert_no_error (error);
  sign_in (f, "petr");
  g_free (before);
  before = digest (f->path);
  g_assert_false (scim_store_reopen_task (f->store, ivans, &error));
  assert_refused (f, before, error, SCIM_STORE_ERROR_PERMISSION);

  /* Restoring a deleted task of ivan's plan is a plan edit too. */
  sign_in (f, "ivan");
  row = scim_store_delete_task (f->store, ivans, &error);
  g_assert_no_error (error);
  sign_in (f, "petr");
  g_free (before);
  before = digest (f->path);
  g_assert_false (scim_store_restore_task (f->store, row, &error));
  assert_refused (f, before, error, SCIM_STORE_ERROR_PERMISSION);
  sign_in (f, "ivan");
  g_assert_true (scim_store_restore_task (f->store, row, &error));
  g_assert_no_error (error);

  /* Petr closes his own task on ivan's sale, and may reopen it. */
  sign_in (f, "petr");
  g_assert_true (scim_store_finish_task (f->store, petrs_on_ivans, 1, "done", "Расчёт отправлен", &error));
  g_assert_no_error (error);
  g_assert_true (scim_store_reopen_task (f->store, petrs_on_ivans, &error));
  g_assert_no_error (error);

  /* A head edits every sale and plan, and reassigns. */
  sign_in (f, "head");
  g_assert_true (scim_store_may_edit_plan (f->store, f->sale, &error));
  g_assert_no_error (error);
  g_assert_cmpint (scim_store_add_task (f->store, f->sale, 0, &fields, &error), >, 0);
  g_assert_no_error (error);
  g_assert_true (scim_store_update_task (f->store, petrs_on_ivans, version_of (f, "tasks", petrs_on_ivans), &fields,
                                         &error));
  g_assert_no_error (error);
  g_assert_true (scim_store_reorder_tasks (f->store, f->sale, order, 2, &error));
  g_assert_no_error (error);
  g_assert_cmpint (scim_store_apply_plan_template (f->store, f->sale, 0, &error), ==, 1);
  g_assert_no_error (error);
  g_assert_true (scim_store_move_sale (f->store, f->sale, next, NULL, 0, &error));
  g_assert_no_error (error);
  g_assert_true (scim_store_update_sale (f->store, f->sale, version_of (f, "sales", f->sale), 1, 0, f->petr, &error));
  g_assert_no_error (error);
  /* A head does not edit plan templates: that is the administrator's. */
  g_free (before);
  before = digest (f->path);
  g_assert_false (scim_store_set_plan_template (f->store, f->product, first, NULL, 0, &error));
  assert_refused (f, before, error, SCIM_STORE_ERROR_PERMISSION);

  /* Now petr's sale: ivan, no longer its salesperson, is refused. */
  sign_in (f, "ivan");
  g_assert_false (scim_store_may_edit_plan (f->store, f->sale, &error));
  assert_refused (f, before, error, SCIM_STORE_ERROR_PERMISSION);
  g_assert_true (scim_store_may_edit_plan (f->store, f->sale, NULL) == FALSE);

  /* Nobody signed in: nothing. */
  scim_store_set_user_id (f->store, 0);
  g_assert_cmpint (scim_store_add_task (f->store, f->sale, -1, &fields, &error), ==, 0);
  assert_refused (f, before, error, SCIM_STORE_ERROR_PERMISSION);
  g_assert_false (scim_store_finish_task (f->store, petrs_on_ivans, version_of (f, "tasks", petrs_on_ivans), "done",
                                          "x", &error));
  assert_refused (f, before, error, SCIM_STORE_ERROR_PERMISSION);
  assert_counters (f);
  assert_positions (f);
}

static void
test_lost_read_only (Fixture       *f,
                     gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *before = NULL;
  g_autoptr(GVariant) row = NULL;
  ScimTaskFields fields = { .title = "Вернуть клиента" };
  gint64 lost = stage_of (f, f->product, "lost", 0);
  gint64 open = stage_of (f, f->product, "open", 3);
  gint64 won = stage_of (f, f->product, "won", 2);
  gint64 task, petrs;

  sign_in (f, "ivan");
  task = add_task (f, f->sale, "Отправить КП", 0);
  petrs = add_task (f, f->sale, "Выставить счёт", f->petr);
  g_assert_true (scim_store_move_sale (f->store, f->sale, lost, "Выбрали конкурента", 0, &error));
  g_assert_no_error (error);

  /* Read-only for everyone, with the reason, until it is moved back. */
  for (guint i = 0; i < 3; i++)
    {
      sign_in (f, (const char *[]) { "ivan", "head", "admin" }[i]);
      g_free (before);
      before = digest (f->path);
      g_assert_false (scim_store_may_edit_plan (f->store, f->sale, &error));
      g_assert_cmpstr (error->message, ==,
                       "This sale is lost; move it back to a stage in progress to change its plan.");
      assert_refused (f, before, error, SCIM_STORE_ERROR_PERMISSION);
      g_assert_cmpint (scim_store_add_task (f->store, f->sale, -1, &fields, &error), ==, 0);
      assert_refused (f, before, error, SCIM_STORE_ERROR_PERMISSION);
      g_assert_false (scim_store_update_task (f->store, task, 1, &fields, &error));
      assert_refused (f, before, error, SCIM_STORE_ERROR_PERMISSION);
      g_assert_false (scim_store_finish_task (f->store, task, 1, "done", "Сделано", &error));
      assert_refused (f, before, error, SCIM_STORE_ERROR_PERMISSION);
      g_assert_false (scim_store_reorder_tasks (f->store, f->sale, &task, 1, &error));
      assert_refused (f, before, error, SCIM_STORE_ERROR_PERMISSION);
      g_assert_null (scim_store_delete_task (f->store, task, &error));
      assert_refused (f, before, error, SCIM_STORE_ERROR_PERMISSION);
      g_assert_cmpint (scim_store_apply_plan_template (f->store, f->sale, 0, &error), ==, -1);
      assert_refused (f, before, error, SCIM_STORE_ERROR_PERMISSION);
    }
  /* The owner of a task on it cannot close it either. */
  sign_in (f, "petr");
  g_assert_false (scim_store_finish_task (f->store, petrs, 1, "done", "Сделано", &error));
  assert_refused (f, before, error, SCIM_STORE_ERROR_PERMISSION);

  /* The sale itself still takes edits, and moving it back reopens the plan. */
  sign_in (f, "ivan");
  g_assert_true (scim_store_update_sale (f->store, f->sale, version_of (f, "sales", f->sale), 1, 0, 0, &error));
  g_assert_no_error (error);
  g_assert_true (scim_store_move_sale (f->store, f->sale, open, NULL, 0, &error));
  g_assert_no_error (error);
  g_assert_true (scim_store_may_edit_plan (f->store, f->sale, &error));
  g_assert_cmpint (scim_store_add_task (f->store, f->sale, -1, &fields, &error), >, 0);
  g_assert_no_error (error);

  /* Won stages still take tasks: getting the money in. */
  g_assert_true (scim_store_move_sale (f->store, f->sale, won, NULL, 0, &error));
  g_assert_no_error (error);
  g_assert_cmpint (scim_store_add_task (f->store, f->sale, -1, &fields, &error), >, 0);
  g_assert_no_error (error);
  g_assert_true (scim_store_finish_task (f->store, task, 1, "done", "Деньги пришли", &error));
  g_assert_no_error (error);
  row = scim_store_delete_task (f->store, task, &error);
  g_assert_no_error (error);
  assert_counters (f);
}

/* Tasks */

static void
test_task_rules (Fixture       *f,
                 gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *before = NULL;
  g_autofree char *text = NULL;
  g_autoptr(GDateTime) noon = g_date_time_new_local (2027, 3, 10, 15, 45, 0);
  g_autoptr(GDateTime) midnight = g_date_time_new_local (2027, 3, 10, 0, 0, 0);
  ScimTaskFields fields = { .title = "  Позвонить  ", .notes = "Спросить про бюджет", .due_at = 0 };
  gint64 task, t0 = g_get_real_time () / G_USEC_PER_SEC;

  sign_in (f, "ivan");
  before = digest (f->path);

  /* Title, owner, target stage: each named in the message. */
  fields.title = "   ";
  g_assert_cmpint (scim_store_add_task (f->store, f->sale, -1, &fields, &error), ==, 0);
  g_assert_true (g_str_has_prefix (error->message, "Title:"));
  assert_refused (f, before, error, SCIM_STORE_ERROR_INVALID);
  fields.title = NULL;
  g_assert_cmpint (scim_store_add_task (f->store, f->sale, -1, &fields, &error), ==, 0);
  assert_refused (f, before, error, SCIM_STORE_ERROR_INVALID);
  fields.title = "Позвонить";
  fields.owner_id = f->gone;
  g_assert_cmpint (scim_store_add_task (f->store, f->sale, -1, &fields, &error), ==, 0);
  g_assert_true (g_str_has_prefix (error->message, "Owner:"));
  assert_refused (f, before, error, SCIM_STORE_ERROR_INVALID);
  fields.owner_id = 4242;
  g_assert_cmpint (scim_store_add_task (f->store, f->sale, -1, &fields, &error), ==, 0);
  assert_refused (f, before, error, SCIM_STORE_ERROR_INVALID);
  fields.owner_id = 0;
  fields.target_stage_id = stage_of (f, f->other, "open", 0);
  g_assert_cmpint (scim_store_add_task (f->store, f->sale, -1, &fields, &error), ==, 0);
  g_assert_true (g_str_has_prefix (error->message, "Target stage:"));
  assert_refused (f, before, error, SCIM_STORE_ERROR_INVALID);
  g_assert_cmpint (scim_store_add_task (f->store, 999, -1, &fields, &error), ==, 0);
  assert_refused (f, before, error, SCIM_STORE_ERROR_NOT_FOUND);

  /* A day without a time is due at its local midnight. */
  fields.title = "  Позвонить  ";
  fields.target_stage_id = stage_of (f, f->product, "open", 1);
  fields.due_at = g_date_time_to_unix (noon);
  fields.due_has_time = FALSE;
  task = scim_store_add_task (f->store, f->sale, -1, &fields, &error);
  g_assert_no_error (error);
  g_assert_cmpint (rawf (f->path, "SELECT due_at FROM tasks WHERE id = %" G_GINT64_FORMAT, task), ==,
                   g_date_time_to_unix (midnight));
  text = textf (f->path, "SELECT title FROM tasks WHERE id = %" G_GINT64_FORMAT, task);
  g_assert_cmpstr (text, ==, "Позвонить");
  g_assert_cmpint (rawf (f->path, "SELECT state = 'planned' AND created_by = %" G_GINT64_FORMAT " AND owner_id = %"
                         G_GINT64_FORMAT " FROM tasks WHERE id = %" G_GINT64_FORMAT, f->ivan, f->ivan, task), ==, 1);
  g_assert_cmpint (change_count (f, "tasks", task, "insert"), ==, 1);
  g_assert_cmpint (rawf (f->path, "SELECT open_tasks FROM sales WHERE id = %" G_GINT64_FORMAT, f->sale), ==, 1);

  /* With a time it stays as given. */
  fields.due_has_time = TRUE;
  g_assert_true (scim_store_update_task (f->store, task, 1, &fields, &error));
  g_assert_no_error (error);
  g_assert_cmpint (rawf (f->path, "SELECT due_at FROM tasks WHERE id = %" G_GINT64_FORMAT, task), ==,
                   g_date_time_to_unix (noon));
  g_assert_cmpint (rawf (f->path, "SELECT due_has_time FROM tasks WHERE id = %" G_GINT64_FORMAT, task), ==, 1);

  /* Finishing: a known state, a result for done and failed. */
  g_free (before);
  before = digest (f->path);
  g_assert_false (scim_store_finish_task (f->store, task, 2, "done", "  ", &error));
  g_assert_cmpstr (error->message, ==, "Result: write what came of it — a negative result is a result too.");
  assert_refused (f, before, error, SCIM_STORE_ERROR_INVALID);
  g_assert_false (scim_store_finish_task (f->store, task, 2, "failed", NULL, &error));
  assert_refused (f, before, error, SCIM_STORE_ERROR_INVALID);
  g_assert_false (scim_store_finish_task (f->store, task, 2, "planned", "x", &error));
  assert_refused (f, before, error, SCIM_STORE_ERROR_INVALID);
  g_assert_false (scim_store_finish_task (f->store, task, 1, "done", "Стар", &error));
  assert_refused (f, before, error, SCIM_STORE_ERROR_CONFLICT);

  g_assert_true (scim_store_finish_task (f->store, task, 2, "failed", "Не берут трубку", &error));
  g_assert_no_error (error);
  g_assert_cmpint (rawf (f->path, "SELECT closed_at >= %" G_GINT64_FORMAT " AND state = 'failed' FROM tasks "
                         "WHERE id = %" G_GINT64_FORMAT, t0, task), ==, 1);
  g_assert_cmpint (rawf (f->path, "SELECT open_tasks FROM sales WHERE id = %" G_GINT64_FORMAT, f->sale), ==, 0);

  /* Reopening plans it again without the result. */
  g_assert_true (scim_store_reopen_task (f->store, task, &error));
  g_assert_no_error (error);
  g_assert_cmpint (rawf (f->path, "SELECT state = 'planned' AND closed_at IS NULL AND result = '' FROM tasks "
                         "WHERE id = %" G_GINT64_FORMAT, task), ==, 1);
  g_assert_cmpint (rawf (f->path, "SELECT open_tasks FROM sales WHERE id = %" G_GINT64_FORMAT, f->sale), ==, 1);
  g_assert_true (scim_store_finish_task (f->store, task, version_of (f, "tasks", task), "cancelled", NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpint (rawf (f->path, "SELECT open_tasks FROM sales WHERE id = %" G_GINT64_FORMAT, f->sale), ==, 0);

  /* A stale version on update. */
  g_free (before);
  before = digest (f->path);
  g_assert_false (scim_store_update_task (f->store, task, 2, &fields, &error));
  assert_refused (f, before, error, SCIM_STORE_ERROR_CONFLICT);
  g_assert_false (scim_store_update_task (f->store, 999, 1, &fields, &error));
  assert_refused (f, before, error, SCIM_STORE_ERROR_NOT_FOUND);
  assert_counters (f);
}

static gint64
position_of (Fixture *f,
             gint64   task)
{
  return rawf (f->path, "SELECT position FROM tasks WHERE id = %" G_GINT64_FORMAT, task);
}

static void
test_positions_and_reorder (Fixture       *f,
                            gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *before = NULL;
  ScimTaskFields fields = { .title = "Первая" };
  gint64 a, b, c, d, other, order[4];

  sign_in (f, "ivan");
  a = add_task (f, f->sale, "A", 0);
  b = add_task (f, f->sale, "B", 0);
  c = add_task (f, f->sale, "C", 0);
  /* At the front and in the middle; past the end is the end. */
  d = scim_store_add_task (f->store, f->sale, 0, &fields, &error);
  g_assert_no_error (error);
  g_assert_cmpint (position_of (f, d), ==, 0);
  g_assert_cmpint (position_of (f, a), ==, 1);
  g_assert_cmpint (position_of (f, c), ==, 3);
  g_assert_cmpint (scim_store_add_task (f->store, f->sale, 99, &fields, &error), >, 0);
  g_assert_no_error (error);
  assert_positions (f);

  /* The plan as a list comes in its order. */
  {
    g_autoptr(ScimQuery) query = scim_query_new (SCIM_LIST_TASKS);
    g_autoptr(GArray) ids = NULL;

    query->sale_id = f->sale;
    ids = scim_store_query_ids (f->store, query, NULL, &error);
    g_assert_no_error (error);
    g_assert_cmpuint (ids->len, ==, 5);
    g_assert_cmpint (g_array_index (ids, gint64, 0), ==, d);
    g_assert_cmpint (g_array_index (ids, gint64, 3), ==, c);
  }

  /* The whole plan in a new order. */
  order[0] = c;
  order[1] = b;
  order[2] = a;
  order[3] = d;
  g_assert_true (scim_store_reorder_tasks (f->store, f->sale, order, 4, &error));
  g_assert_no_error (error);
  g_assert_cmpint (position_of (f, c), ==, 0);
  g_assert_cmpint (position_of (f, b), ==, 1);
  g_assert_cmpint (position_of (f, a), ==, 2);
  g_assert_cmpint (position_of (f, d), ==, 3);
  g_assert_cmpint (change_count (f, "tasks", c, "update"), >=, 1);

  /* Some of it: a and c swap, the rest stays. */
  order[0] = a;
  order[1] = c;
  g_assert_true (scim_store_reorder_tasks (f->store, f->sale, order, 2, &error));
  g_assert_no_error (error);
  g_assert_cmpint (position_of (f, a), ==, 0);
  g_assert_cmpint (position_of (f, b), ==, 1);
  g_assert_cmpint (position_of (f, c), ==, 2);
  assert_positions (f);

  /* A task of another plan, or twice the same: someone changed the plan. */
  sign_in (f, "petr");
  other = add_task (f, f->petr_sale, "Чужая", 0);
  sign_in (f, "head");
  before = digest (f->path);
  order[0] = a;
  order[1] = other;
  g_assert_false (scim_store_reorder_tasks (f->store, f->sale, order, 2, &error));
  assert_refused (f, before, error, SCIM_STORE_ERROR_CONFLICT);
  order[1] = a;
  g_assert_false (scim_store_reorder_tasks (f->store, f->sale, order, 2, &error));
  assert_refused (f, before, error, SCIM_STORE_ERROR_CONFLICT);
}

static void
test_delete_restore (Fixture       *f,
                     gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GVariant) row = NULL;
  g_autofree char *plan_before = NULL;
  g_autofree char *plan_after = NULL;
  gint64 a, b, c, taken;
  static const char plan_sql[] =
    "SELECT group_concat(id || ':' || title || ':' || position || ':' || state || ':' || result || ':' || "
    "coalesce(closed_at, '') || ':' || owner_id, ';') FROM (SELECT * FROM tasks WHERE sale_id = 1 ORDER BY position)";

  g_assert_cmpint (f->sale, ==, 1);
  sign_in (f, "ivan");
  a = add_task (f, f->sale, "A", 0);
  b = add_task (f, f->sale, "B", f->petr);
  c = add_task (f, f->sale, "C", 0);
  g_assert_true (scim_store_finish_task (f->store, b, 1, "done", "Готово", &error));
  g_assert_no_error (error);
  plan_before = raw_text (f->path, plan_sql);

  /* The middle one goes: the rest close up, the change is logged. */
  row = scim_store_delete_task (f->store, b, &error);
  g_assert_no_error (error);
  g_assert_nonnull (row);
  g_assert_cmpint (rawf (f->path, "SELECT count(*) FROM tasks WHERE id = %" G_GINT64_FORMAT, b), ==, 0);
  g_assert_cmpint (position_of (f, c), ==, 1);
  g_assert_cmpint (change_count (f, "tasks", b, "delete"), ==, 1);
  assert_positions (f);
  g_assert_null (scim_store_delete_task (f->store, b, &error));
  g_assert_error (error, SCIM_STORE_ERROR, SCIM_STORE_ERROR_NOT_FOUND);
  g_clear_error (&error);

  /* Undo: back under its id, at its place, as it was. */
  g_assert_true (scim_store_restore_task (f->store, row, &error));
  g_assert_no_error (error);
  plan_after = raw_text (f->path, plan_sql);
  g_assert_cmpstr (plan_before, ==, plan_after);
  g_assert_cmpint (change_count (f, "tasks", b, "insert"), ==, 2);
  assert_positions (f);
  assert_counters (f);

  /* When its id was taken meanwhile, it comes back under a new one. */
  g_clear_pointer (&row, g_variant_unref);
  row = scim_store_delete_task (f->store, c, &error);
  g_assert_no_error (error);
  taken = execf (f->path, "INSERT INTO tasks (id, sale_id, title, owner_id, position, created_at) VALUES "
                 "(%" G_GINT64_FORMAT ", %" G_GINT64_FORMAT ", 'Занял', %" G_GINT64_FORMAT ", 2, 1700000000)",
                 c, f->petr_sale, f->petr);
  g_assert_cmpint (taken, ==, c);
  g_assert_true (scim_store_restore_task (f->store, row, &error));
  g_assert_no_error (error);
  g_assert_cmpint (rawf (f->path, "SELECT count(*) FROM tasks WHERE sale_id = %" G_GINT64_FORMAT " AND title = 'C' "
                         "AND id > %" G_GINT64_FORMAT, f->sale, c), ==, 1);
  (void) a;
}

/* Templates */

static void
test_templates (Fixture       *f,
                gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) rows = NULL;
  g_autofree char *before = NULL;
  ScimTemplateTask usual[] = {
    { "  Выявить потребность ", "Кто принимает решение", 0 },
    { "Отправить презентацию", NULL, 2 },
  };
  ScimTemplateTask bad[] = { { "", NULL, 0 } };
  ScimTemplateTask negative[] = { { "Ок", NULL, -1 } };
  gint64 first = stage_of (f, f->product, "open", 0);
  gint64 second = stage_of (f, f->product, "open", 1);
  gint64 now = g_get_real_time () / G_USEC_PER_SEC;
  g_autoptr(GDateTime) today = NULL;
  g_autoptr(GDateTime) local = g_date_time_new_now_local ();

  sign_in (f, "admin");
  before = digest (f->path);
  g_assert_false (scim_store_set_plan_template (f->store, f->product, first, bad, 1, &error));
  g_assert_true (g_str_has_prefix (error->message, "Title:"));
  assert_refused (f, before, error, SCIM_STORE_ERROR_INVALID);
  g_assert_false (scim_store_set_plan_template (f->store, f->product, first, negative, 1, &error));
  assert_refused (f, before, error, SCIM_STORE_ERROR_INVALID);
  g_assert_false (scim_store_set_plan_template (f->store, f->other, first, usual, 2, &error));
  g_assert_true (g_str_has_prefix (error->message, "Stage:"));
  assert_refused (f, before, error, SCIM_STORE_ERROR_INVALID);

  g_assert_true (scim_store_set_plan_template (f->store, f->product, first, usual, 2, &error));
  g_assert_no_error (error);
  rows = scim_store_get_plan_template (f->store, first, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (rows->len, ==, 2);
  g_assert_cmpstr (((char **) g_ptr_array_index (rows, 0))[0], ==, "Выявить потребность");
  g_assert_cmpstr (((char **) g_ptr_array_index (rows, 0))[1], ==, "Кто принимает решение");
  g_assert_cmpstr (((char **) g_ptr_array_index (rows, 1))[2], ==, "2");
  g_assert_cmpint (rawf (f->path, "SELECT count(*) FROM change_log WHERE entity = 'plan_templates'"), ==, 2);

  /* Setting it again replaces it. */
  g_assert_true (scim_store_set_plan_template (f->store, f->product, first, &usual[1], 1, &error));
  g_assert_no_error (error);
  g_assert_true (scim_store_set_plan_template (f->store, f->product, first, usual, 2, &error));
  g_assert_no_error (error);
  g_assert_cmpint (raw_int (f->path, "SELECT count(*) FROM plan_templates"), ==, 2);

  /* Ivan adds the usual tasks of his sale's stage: his, due 0 and 2 days
   * from today, at the end of the plan. */
  sign_in (f, "ivan");
  add_task (f, f->sale, "Своя", 0);
  g_assert_cmpint (scim_store_apply_plan_template (f->store, f->sale, 0, &error), ==, 2);
  g_assert_no_error (error);
  today = g_date_time_new_local (g_date_time_get_year (local), g_date_time_get_month (local),
                                 g_date_time_get_day_of_month (local), 0, 0, 0);
  g_assert_cmpint (rawf (f->path, "SELECT count(*) FROM tasks WHERE sale_id = %" G_GINT64_FORMAT
                         " AND owner_id = %" G_GINT64_FORMAT " AND due_has_time = 0 AND state = 'planned'",
                         f->sale, f->ivan), ==, 3);
  g_assert_cmpint (rawf (f->path, "SELECT due_at FROM tasks WHERE title = 'Выявить потребность'"), ==,
                   g_date_time_to_unix (today));
  g_assert_cmpint (rawf (f->path, "SELECT position FROM tasks WHERE title = 'Отправить презентацию'"), ==, 2);
  g_assert_cmpint (rawf (f->path, "SELECT due_at > %" G_GINT64_FORMAT " FROM tasks "
                         "WHERE title = 'Отправить презентацию'", now), ==, 1);
  assert_positions (f);

  /* A stage without a template adds nothing; a stage of another funnel is refused. */
  g_assert_cmpint (scim_store_apply_plan_template (f->store, f->sale, second, &error), ==, 0);
  g_assert_no_error (error);
  g_free (before);
  before = digest (f->path);
  g_assert_cmpint (scim_store_apply_plan_template (f->store, f->sale, stage_of (f, f->other, "open", 0), &error), ==,
                   -1);
  assert_refused (f, before, error, SCIM_STORE_ERROR_INVALID);

  /* The stage's templates go with the stage. */
  sign_in (f, "admin");
  g_assert_true (scim_store_set_plan_template (f->store, f->product, second, usual, 1, &error));
  g_assert_no_error (error);
  g_assert_true (scim_store_delete_stage (f->store, second, 0, &error));
  g_assert_no_error (error);
  g_assert_cmpint (rawf (f->path, "SELECT count(*) FROM plan_templates WHERE stage_id = %" G_GINT64_FORMAT, second),
                   ==, 0);
}

/* Control */

/* 15:30 on 2027-01-15 in Moscow (UTC+3). */
#define NOW ((gint64) 1800016200)
#define DAY ((gint64) 86400)

static gint64
moscow (int y, int m, int d, int hh, int mm)
{
  g_autoptr(GDateTime) t = g_date_time_new_local (y, m, d, hh, mm, 0);

  return g_date_time_to_unix (t);
}

static gint64
raw_sale (Fixture    *f,
          gint64      owner,
          gint64      stage,
          gint64      entered,
          const char *closed)
{
  return execf (f->path, "INSERT INTO sales (client_id, product_id, stage_id, owner_id, stage_entered_at, closed_at, "
                "created_at) VALUES (%" G_GINT64_FORMAT ", %" G_GINT64_FORMAT ", %" G_GINT64_FORMAT ", %"
                G_GINT64_FORMAT ", %" G_GINT64_FORMAT ", %s, %" G_GINT64_FORMAT ")",
                f->client, f->product, stage, owner, entered, closed, entered);
}

static gint64
raw_task (Fixture    *f,
          gint64      sale,
          gint64      owner,
          const char *state,
          gint64      due,
          gboolean    has_time,
          gint64      closed)
{
  g_autofree char *due_text = due != 0 ? g_strdup_printf ("%" G_GINT64_FORMAT, due) : g_strdup ("NULL");
  g_autofree char *closed_text = closed != 0 ? g_strdup_printf ("%" G_GINT64_FORMAT, closed) : g_strdup ("NULL");

  return execf (f->path, "INSERT INTO tasks (sale_id, title, owner_id, due_at, due_has_time, state, position, "
                "created_at, closed_at) VALUES (%" G_GINT64_FORMAT ", 'Задача', %" G_GINT64_FORMAT ", %s, %d, '%s', "
                "(SELECT count(*) FROM tasks WHERE sale_id = %" G_GINT64_FORMAT "), 1700000000, %s)",
                sale, owner, due_text, has_time ? 1 : 0, state, sale, closed_text);
}

static GArray *
query_ids (Fixture   *f,
           ScimQuery *query)
{
  g_autoptr(GError) error = NULL;
  GArray *ids;

  query->now = NOW;
  ids = scim_store_query_ids (f->store, query, NULL, &error);
  g_assert_no_error (error);
  return ids;
}

static int
compare_ids (gconstpointer a,
             gconstpointer b)
{
  gint64 x = *(const gint64 *) a, y = *(const gint64 *) b;

  return (x > y) - (x < y);
}

/* Asserts the ids, in order with @ordered, as a set otherwise. */
static void
assert_ids (GArray       *ids,
            gboolean      ordered,
            const gint64 *expected,
            guint         n)
{
  g_autoptr(GArray) got = g_array_copy (ids);
  g_autoptr(GArray) want = g_array_new (FALSE, FALSE, sizeof (gint64));
  g_autoptr(GString) text = g_string_new (NULL);

  g_array_append_vals (want, expected, n);
  if (!ordered)
    {
      g_array_sort (got, compare_ids);
      g_array_sort (want, compare_ids);
    }
  for (guint i = 0; i < got->len; i++)
    g_string_append_printf (text, " %" G_GINT64_FORMAT, g_array_index (got, gint64, i));
  if (got->len != want->len)
    g_error ("expected %u ids, got %u:%s", want->len, got->len, text->str);
  for (guint i = 0; i < got->len; i++)
    if (g_array_index (got, gint64, i) != g_array_index (want, gint64, i))
      g_error ("ids differ at %u:%s", i, text->str);
}

#define ASSERT_IDS(ids, ordered, ...)                                              \
  G_STMT_START {                                                                   \
    const gint64 expected__[] = { __VA_ARGS__ };                                   \
    assert_ids ((ids), (ordered), expected__, G_N_ELEMENTS (expected__));          \
  } G_STMT_END

static ScimDiscipline *
find_discipline (GPtrArray *rows,
                 gint64     user)
{
  for (guint i = 0; i < rows->len; i++)
    {
      ScimDiscipline *d = g_ptr_array_index (rows, i);
      if (d->user_id == user)
        return d;
    }
  return NULL;
}

static ScimDiscipline *
discipline_of (GPtrArray *rows,
               gint64     user)
{
  ScimDiscipline *d = find_discipline (rows, user);

  if (d == NULL)
    g_error ("no discipline row for user %" G_GINT64_FORMAT, user);
  return d;
}

static void
test_due_filters (Fixture       *f,
                  gconstpointer  data)
{
  g_autoptr(ScimQuery) query = scim_query_new (SCIM_LIST_TASKS);
  g_autoptr(GPtrArray) rows = NULL;
  g_autoptr(GError) error = NULL;
  ScimDiscipline *d;
  gint64 s = f->sale, p = f->petr_sale;
  gint64 yesterday, today, at_0100, at_1000, at_1800, in6, in7, none, done_yesterday, done_today, petrs, tomorrow_0030;

  /* Today is 2027-01-15 in Moscow; 01:00 there is still the 14th in UTC. */
  g_assert_cmpint (moscow (2027, 1, 15, 15, 30), ==, NOW);
  yesterday = raw_task (f, s, f->ivan, "planned", moscow (2027, 1, 14, 0, 0), FALSE, 0);
  today = raw_task (f, s, f->ivan, "planned", moscow (2027, 1, 15, 0, 0), FALSE, 0);
  at_0100 = raw_task (f, s, f->ivan, "planned", moscow (2027, 1, 15, 1, 0), TRUE, 0);
  at_1000 = raw_task (f, s, f->ivan, "planned", moscow (2027, 1, 15, 10, 0), TRUE, 0);
  at_1800 = raw_task (f, s, f->ivan, "planned", moscow (2027, 1, 15, 18, 0), TRUE, 0);
  tomorrow_0030 = raw_task (f, s, f->ivan, "planned", moscow (2027, 1, 16, 0, 30), TRUE, 0);
  in6 = raw_task (f, s, f->ivan, "planned", moscow (2027, 1, 21, 0, 0), FALSE, 0);
  in7 = raw_task (f, s, f->ivan, "planned", moscow (2027, 1, 22, 0, 0), FALSE, 0);
  none = raw_task (f, s, f->ivan, "planned", 0, FALSE, 0);
  done_yesterday = raw_task (f, s, f->ivan, "done", moscow (2027, 1, 14, 0, 0), FALSE, NOW - DAY);
  done_today = raw_task (f, s, f->ivan, "done", moscow (2027, 1, 15, 0, 0), FALSE, NOW - 60);
  petrs = raw_task (f, p, f->petr, "planned", moscow (2027, 1, 10, 0, 0), FALSE, 0);
  assert_counters (f);

  query->due = SCIM_DUE_OVERDUE;
  {
    g_autoptr(GArray) ids = query_ids (f, query);
    /* By due time. */
    ASSERT_IDS (ids, TRUE, petrs, yesterday, at_0100, at_1000);
  }
  query->owner_id = f->ivan;
  {
    g_autoptr(GArray) ids = query_ids (f, query);
    ASSERT_IDS (ids, TRUE, yesterday, at_0100, at_1000);
  }
  query->due = SCIM_DUE_TODAY;
  {
    g_autoptr(GArray) ids = query_ids (f, query);
    /* Planned first, then by due time. */
    ASSERT_IDS (ids, TRUE, today, at_0100, at_1000, at_1800, done_today);
  }
  query->state = g_strdup ("planned");
  {
    g_autoptr(GArray) ids = query_ids (f, query);
    ASSERT_IDS (ids, TRUE, today, at_0100, at_1000, at_1800);
  }
  g_clear_pointer (&query->state, g_free);
  query->due = SCIM_DUE_WEEK;
  {
    g_autoptr(GArray) ids = query_ids (f, query);
    ASSERT_IDS (ids, FALSE, today, at_0100, at_1000, at_1800, tomorrow_0030, in6, done_today);
  }
  query->due = SCIM_DUE_NONE;
  {
    g_autoptr(GArray) ids = query_ids (f, query);
    ASSERT_IDS (ids, FALSE, none);
  }
  query->due = SCIM_DUE_ANY;
  {
    g_autoptr(GArray) ids = query_ids (f, query);
    g_assert_cmpuint (ids->len, ==, 11);
  }

  /* With the other filters of the control view. */
  query->owner_id = 0;
  query->due = SCIM_DUE_OVERDUE;
  query->sale_id = p;
  {
    g_autoptr(GArray) ids = query_ids (f, query);
    ASSERT_IDS (ids, FALSE, petrs);
  }
  query->sale_id = 0;
  query->stage_id = stage_of (f, f->product, "open", 0);
  query->client_id = f->client;
  query->product_id = f->product;
  {
    g_autoptr(GArray) ids = query_ids (f, query);
    g_assert_cmpuint (ids->len, ==, 4);
  }
  query->stage_id = stage_of (f, f->product, "open", 1);
  {
    g_autoptr(GArray) ids = query_ids (f, query);
    g_assert_cmpuint (ids->len, ==, 0);
  }
  query->stage_id = 0;
  query->product_id = f->other;
  {
    g_autoptr(GArray) ids = query_ids (f, query);
    g_assert_cmpuint (ids->len, ==, 0);
  }

  /* The same counts per salesperson. */
  rows = scim_store_discipline_at (f->store, 14, NOW, &error);
  g_assert_no_error (error);
  d = discipline_of (rows, f->ivan);
  g_assert_cmpstr (d->name, ==, "Пётр Иванов");
  g_assert_cmpuint (d->open_tasks, ==, 9);
  g_assert_cmpuint (d->overdue, ==, 3);
  g_assert_cmpuint (d->due_today, ==, 4);
  d = discipline_of (rows, f->petr);
  g_assert_cmpuint (d->open_tasks, ==, 1);
  g_assert_cmpuint (d->overdue, ==, 1);
  g_assert_cmpuint (d->due_today, ==, 0);
  (void) in7;
  (void) done_yesterday;
}

static void
test_no_plan (Fixture       *f,
              gconstpointer  data)
{
  g_autoptr(ScimQuery) query = scim_query_new (SCIM_LIST_SALES);
  g_autoptr(GPtrArray) rows = NULL;
  g_autoptr(GError) error = NULL;
  gint64 open = stage_of (f, f->product, "open", 2);
  gint64 won = stage_of (f, f->product, "won", 0);
  gint64 lost = stage_of (f, f->product, "lost", 0);
  gint64 paused = stage_of (f, f->product, "paused", 0);
  gint64 planned, bare, won_done, lost_bare, paused_bare, only_done, petr_bare;
  gint64 task;

  /* f->sale and f->petr_sale have no tasks: no plan either. */
  planned = raw_sale (f, f->ivan, open, NOW - 3 * DAY, "NULL");
  raw_task (f, planned, f->ivan, "planned", 0, FALSE, 0);
  raw_task (f, planned, f->ivan, "done", 0, FALSE, NOW - DAY);
  bare = raw_sale (f, f->ivan, open, NOW - 3 * DAY, "NULL");
  won_done = raw_sale (f, f->ivan, won, NOW - 3 * DAY, "1700000000");
  raw_task (f, won_done, f->ivan, "done", 0, FALSE, NOW - DAY);
  lost_bare = raw_sale (f, f->ivan, lost, NOW - 3 * DAY, "1700000000");
  paused_bare = raw_sale (f, f->ivan, paused, NOW - 3 * DAY, "NULL");
  only_done = raw_sale (f, f->ivan, open, NOW - 3 * DAY, "NULL");
  raw_task (f, only_done, f->ivan, "failed", 0, FALSE, NOW - DAY);
  raw_task (f, only_done, f->ivan, "cancelled", 0, FALSE, NOW - DAY);
  petr_bare = raw_sale (f, f->petr, open, NOW - 3 * DAY, "NULL");
  assert_counters (f);

  query->signal = SCIM_SALE_SIGNAL_NO_PLAN;
  {
    g_autoptr(GArray) ids = query_ids (f, query);
    ASSERT_IDS (ids, FALSE, f->sale, f->petr_sale, bare, won_done, paused_bare, only_done, petr_bare);
  }
  query->owner_id = f->petr;
  {
    g_autoptr(GArray) ids = query_ids (f, query);
    ASSERT_IDS (ids, FALSE, f->petr_sale, petr_bare);
  }
  query->owner_id = 0;
  query->stage_id = won;
  {
    g_autoptr(GArray) ids = query_ids (f, query);
    ASSERT_IDS (ids, FALSE, won_done);
  }
  query->stage_id = 0;
  query->product_id = f->other;
  {
    g_autoptr(GArray) ids = query_ids (f, query);
    g_assert_cmpuint (ids->len, ==, 0);
  }
  query->product_id = 0;

  rows = scim_store_discipline_at (f->store, 14, NOW, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (discipline_of (rows, f->ivan)->sales_without_plan, ==, 5);
  g_assert_cmpuint (discipline_of (rows, f->petr)->sales_without_plan, ==, 2);
  /* Those who may not sign in, and heads without sales, are not listed. */
  g_assert_null (find_discipline (rows, f->gone));
  g_assert_null (find_discipline (rows, f->head));

  /* A task through the store gives the sale a plan; closing it takes it away. */
  sign_in (f, "ivan");
  task = add_task (f, bare, "Позвонить", 0);
  {
    g_autoptr(GArray) ids = query_ids (f, query);
    g_assert_cmpuint (ids->len, ==, 6);
  }
  g_assert_true (scim_store_finish_task (f->store, task, 1, "done", "Дозвонился", &error));
  g_assert_no_error (error);
  {
    g_autoptr(GArray) ids = query_ids (f, query);
    g_assert_cmpuint (ids->len, ==, 7);
  }
  /* A head who owns a sale is counted. */
  sign_in (f, "admin");
  g_assert_true (scim_store_update_sale (f->store, bare, version_of (f, "sales", bare), 0, 0, f->head, &error));
  g_assert_no_error (error);
  g_clear_pointer (&rows, g_ptr_array_unref);
  rows = scim_store_discipline_at (f->store, 14, NOW, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (discipline_of (rows, f->head)->sales_without_plan, ==, 1);
  (void) lost_bare;
}

static void
test_idle (Fixture       *f,
           gconstpointer  data)
{
  g_autoptr(ScimQuery) query = scim_query_new (SCIM_LIST_SALES);
  g_autoptr(GPtrArray) rows = NULL;
  g_autoptr(GError) error = NULL;
  gint64 open = stage_of (f, f->product, "open", 1);
  gint64 won = stage_of (f, f->product, "won", 0);
  gint64 paused = stage_of (f, f->product, "paused", 0);
  gint64 quiet, closed_task, event, recent, won_quiet, paused_ahead, paused_over, planned_meeting, old_event;
  gint64 old_task, moved;

  /* The fixture's sales, started at the real time, are out of the way. */
  execf (f->path, "UPDATE sales SET stage_id = %" G_GINT64_FORMAT ", closed_at = 1700000000", won);
  quiet = raw_sale (f, f->ivan, open, NOW - 30 * DAY, "NULL");
  closed_task = raw_sale (f, f->ivan, open, NOW - 30 * DAY, "NULL");
  raw_task (f, closed_task, f->ivan, "done", 0, FALSE, NOW - 3 * DAY);
  event = raw_sale (f, f->ivan, open, NOW - 30 * DAY, "NULL");
  execf (f->path, "INSERT INTO events (sale_id, title, at, created_at) VALUES (%" G_GINT64_FORMAT ", 'Звонок', %"
         G_GINT64_FORMAT ", %" G_GINT64_FORMAT ")", event, NOW - 2 * DAY, NOW - 2 * DAY);
  recent = raw_sale (f, f->ivan, open, NOW - 5 * DAY, "NULL");
  won_quiet = raw_sale (f, f->ivan, won, NOW - 30 * DAY, "1700000000");
  paused_ahead = raw_sale (f, f->ivan, paused, NOW - 30 * DAY, "NULL");
  execf (f->path, "UPDATE sales SET paused_until = %" G_GINT64_FORMAT " WHERE id = %" G_GINT64_FORMAT,
         NOW + 10 * DAY, paused_ahead);
  paused_over = raw_sale (f, f->petr, paused, NOW - 40 * DAY, "NULL");
  execf (f->path, "UPDATE sales SET paused_until = %" G_GINT64_FORMAT " WHERE id = %" G_GINT64_FORMAT,
         NOW - DAY, paused_over);
  /* A meeting planned ahead, written down yesterday: activity. */
  planned_meeting = raw_sale (f, f->ivan, open, NOW - 30 * DAY, "NULL");
  execf (f->path, "INSERT INTO events (sale_id, title, at, planned, created_at) VALUES (%" G_GINT64_FORMAT
         ", 'Встреча', %" G_GINT64_FORMAT ", 1, %" G_GINT64_FORMAT ")", planned_meeting, NOW + 5 * DAY, NOW - DAY);
  old_event = raw_sale (f, f->ivan, open, NOW - 60 * DAY, "NULL");
  execf (f->path, "INSERT INTO events (sale_id, title, at, created_at) VALUES (%" G_GINT64_FORMAT ", 'Письмо', %"
         G_GINT64_FORMAT ", %" G_GINT64_FORMAT ")", old_event, NOW - 20 * DAY, NOW - 20 * DAY);
  old_task = raw_sale (f, f->ivan, open, NOW - 50 * DAY, "NULL");
  raw_task (f, old_task, f->ivan, "failed", 0, FALSE, NOW - 25 * DAY);
  moved = raw_sale (f, f->ivan, open, NOW - 90 * DAY, "NULL");
  execf (f->path, "UPDATE sales SET stage_entered_at = %" G_GINT64_FORMAT " WHERE id = %" G_GINT64_FORMAT,
         NOW - DAY, moved);
  /* Planned tasks alone are no activity. */
  raw_task (f, quiet, f->ivan, "planned", NOW + DAY, FALSE, 0);

  query->signal = SCIM_SALE_SIGNAL_IDLE;
  query->idle_days = 14;
  {
    g_autoptr(GArray) ids = query_ids (f, query);
    /* Longest idle first: paused_over entered 40 days ago, the quiet ones 30. */
    ASSERT_IDS (ids, TRUE, paused_over, quiet, old_task, old_event);
  }
  query->owner_id = f->ivan;
  {
    g_autoptr(GArray) ids = query_ids (f, query);
    ASSERT_IDS (ids, TRUE, quiet, old_task, old_event);
  }
  /* A longer window finds fewer. */
  query->idle_days = 22;
  {
    g_autoptr(GArray) ids = query_ids (f, query);
    ASSERT_IDS (ids, TRUE, quiet, old_task);
  }
  query->idle_days = 0;   /* the default: 14 days */
  query->stage_id = open;
  query->owner_id = 0;
  {
    g_autoptr(GArray) ids = query_ids (f, query);
    ASSERT_IDS (ids, FALSE, quiet, old_task, old_event);
  }

  rows = scim_store_discipline_at (f->store, 14, NOW, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (discipline_of (rows, f->ivan)->sales_idle, ==, 3);
  g_assert_cmpuint (discipline_of (rows, f->petr)->sales_idle, ==, 1);

  /* Through the store: a move, a closed task, each counts. */
  sign_in (f, "ivan");
  g_assert_true (scim_store_move_sale (f->store, quiet, stage_of (f, f->product, "open", 2), NULL, 0, &error));
  g_assert_no_error (error);
  {
    g_autoptr(GArray) ids = NULL;

    query->stage_id = 0;
    query->now = 0;
    ids = scim_store_query_ids (f->store, query, NULL, &error);
    g_assert_no_error (error);
    for (guint i = 0; i < ids->len; i++)
      g_assert_cmpint (g_array_index (ids, gint64, i), !=, quiet);
  }
  (void) closed_task;
  (void) event;
  (void) recent;
  (void) won_quiet;
  (void) paused_ahead;
  (void) planned_meeting;
  (void) moved;
}

/* A board column: the sales of one stage under the page's filters (the
 * client's audience, the entry period, the salesperson), counted with
 * their amount in one read; each row carries the plan's next open task. */
static void
test_board_columns (Fixture       *f,
                    gconstpointer  data)
{
  g_autoptr(ScimQuery) query = scim_query_new (SCIM_LIST_SALES);
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) rows = NULL;
  gint64 open = stage_of (f, f->product, "open", 1);
  gint64 banks = execf (f->path, "INSERT INTO audiences (name) VALUES ('Банки')");
  gint64 bank = execf (f->path, "INSERT INTO clients (name, audience_id, created_at) VALUES ('Банк', %" G_GINT64_FORMAT
                       ", 1700000000)", banks);
  gint64 old, recent, banked, petr_recent, count = -1, amount = -1;
  g_autoptr(ScimRecord) record = NULL;

  old = raw_sale (f, f->ivan, open, NOW - 90 * DAY, "NULL");
  recent = raw_sale (f, f->ivan, open, NOW - 3 * DAY, "NULL");
  banked = raw_sale (f, f->ivan, open, NOW - 2 * DAY, "NULL");
  petr_recent = raw_sale (f, f->petr, open, NOW - DAY, "NULL");
  execf (f->path, "UPDATE sales SET amount = 100000 WHERE id = %" G_GINT64_FORMAT, old);
  execf (f->path, "UPDATE sales SET amount = 250000 WHERE id = %" G_GINT64_FORMAT, recent);
  execf (f->path, "UPDATE sales SET amount = 700000, client_id = %" G_GINT64_FORMAT " WHERE id = %" G_GINT64_FORMAT,
         bank, banked);
  execf (f->path, "UPDATE sales SET amount = 5000 WHERE id = %" G_GINT64_FORMAT, petr_recent);
  /* The plan of "recent": a done task, then two open ones; the first open one by position is next. */
  raw_task (f, recent, f->ivan, "done", NOW - 5 * DAY, FALSE, NOW - 4 * DAY);
  raw_task (f, recent, f->ivan, "planned", NOW + 5 * DAY, TRUE, 0);
  raw_task (f, recent, f->ivan, "planned", NOW + DAY, FALSE, 0);
  execf (f->path, "UPDATE tasks SET title = 'Позвонить' WHERE sale_id = %" G_GINT64_FORMAT " AND position = 1", recent);
  assert_counters (f);

  query->product_id = f->product;
  query->stage_id = open;
  {
    g_autoptr(GArray) ids = query_ids (f, query);
    ASSERT_IDS (ids, TRUE, petr_recent, banked, recent, old);
  }
  g_assert_true (scim_store_query_total (f->store, query, &count, &amount, NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpint (count, ==, 4);
  g_assert_cmpint (amount, ==, 1055000);

  query->audience_id = banks;
  {
    g_autoptr(GArray) ids = query_ids (f, query);
    ASSERT_IDS (ids, TRUE, banked);
  }
  g_assert_true (scim_store_query_total (f->store, query, &count, &amount, NULL, &error));
  g_assert_cmpint (count, ==, 1);
  g_assert_cmpint (amount, ==, 700000);

  /* Entered in the last month, Ivan's. */
  query->audience_id = 0;
  query->since = NOW - 30 * DAY;
  query->owner_id = f->ivan;
  {
    g_autoptr(GArray) ids = query_ids (f, query);
    ASSERT_IDS (ids, TRUE, banked, recent);
  }
  g_assert_true (scim_store_query_total (f->store, query, &count, &amount, NULL, &error));
  g_assert_cmpint (count, ==, 2);
  g_assert_cmpint (amount, ==, 950000);
  query->until = NOW - 2 * DAY;
  {
    g_autoptr(GArray) ids = query_ids (f, query);
    ASSERT_IDS (ids, TRUE, recent);
  }

  /* The next task: the first open one of the plan, with its due moment. */
  rows = scim_store_load_rows (f->store, SCIM_LIST_SALES, &recent, 1, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (rows->len, ==, 1);
  record = scim_record_new (SCIM_TYPE_SALE, recent);
  scim_record_update (record, g_ptr_array_index (rows, 0));
  g_assert_cmpstr (scim_record_get_string (record, "next-task"), ==, "Позвонить");
  g_assert_cmpint (scim_record_get_int (record, "next-due-at"), ==, NOW + 5 * DAY);
  g_assert_true (scim_record_get_bool (record, "next-due-has-time"));
  g_clear_pointer (&rows, g_ptr_array_unref);
  rows = scim_store_load_rows (f->store, SCIM_LIST_SALES, &old, 1, &error);
  g_clear_object (&record);
  record = scim_record_new (SCIM_TYPE_SALE, old);
  scim_record_update (record, g_ptr_array_index (rows, 0));
  g_assert_cmpstr (scim_record_get_string (record, "next-task"), ==, "");
  g_assert_cmpint (scim_record_get_int (record, "next-due-at"), ==, 0);
}

int
main (int    argc,
      char **argv)
{
  g_autoptr(GError) error = NULL;
  int ret;

  /* Before anything reads the local time zone. */
  g_setenv ("TZ", "Europe/Moscow", TRUE);
  g_test_init (&argc, &argv, NULL);
  g_unsetenv ("SCIM_FORCE_FSTYPE");
  tmpdir = g_dir_make_tmp ("scim-sales-XXXXXX", &error);
  g_assert_no_error (error);

#define ADD(path, func) g_test_add (path, Fixture, NULL, fixture_set_up, func, fixture_tear_down)
  ADD ("/sales/add", test_add_sale);
  ADD ("/sales/move/history", test_move_history);
  ADD ("/sales/move/rules", test_move_rules);
  ADD ("/sales/update", test_update_sale);
  ADD ("/sales/conflict/two-connections", test_conflict_two_connections);
  ADD ("/sales/conflict/stage-move", test_conflict_stage_move);
  ADD ("/sales/roles", test_roles);
  ADD ("/sales/lost-read-only", test_lost_read_only);
  ADD ("/sales/tasks/rules", test_task_rules);
  ADD ("/sales/tasks/positions-and-reorder", test_positions_and_reorder);
  ADD ("/sales/tasks/delete-restore", test_delete_restore);
  ADD ("/sales/templates", test_templates);
  ADD ("/sales/control/due", test_due_filters);
  ADD ("/sales/control/no-plan", test_no_plan);
  ADD ("/sales/control/idle", test_idle);
  ADD ("/sales/board/columns", test_board_columns);
#undef ADD

  ret = g_test_run ();
  {
    g_autofree char *cmd = g_strdup_printf ("rm -rf '%s'", tmpdir);
    if (system (cmd) != 0)
      g_printerr ("could not remove %s\n", tmpdir);
  }
  return ret;
}
