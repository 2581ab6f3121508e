/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gstdio.h>
#include <sqlite3.h>

#include "scim-core.h"

/* The Sales book on real files: who may write, edit and delete, the
 * history of edits, unread marks per user, planned and past events, the
 * stage move in the same transaction as the event, and the book's filters.
 * A refused write is compared with a digest of every table. */

static char *tmpdir;

typedef struct
{
  ScimStore *store;
  char      *path;
  gint64     admin;
  gint64     head;
  gint64     ivan;      /* a salesperson, owner of the sales */
  gint64     petr;      /* another salesperson */
  gint64     product;   /* "Консалтинг", the 12-stage template */
  gint64     other;     /* "Аудит", another product */
  gint64     client;
  gint64     client2;
  gint64     sale;      /* ivan's sale of the product to client */
  gint64     sale2;     /* ivan's sale of the other product to client2 */
} Fixture;

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

static gint64 raw_intf (const char *path, const char *format, ...) G_GNUC_PRINTF (2, 3);

static gint64
raw_intf (const char *path,
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

static gint64 raw_exec (const char *path, const char *format, ...) G_GNUC_PRINTF (2, 3);

static gint64
raw_exec (const char *path,
          const char *format,
          ...)
{
  g_autofree char *sql = NULL;
  sqlite3 *db = raw_open (path);
  char *err = NULL;
  va_list args;
  gint64 id;

  va_start (args, format);
  sql = g_strdup_vprintf (format, args);
  va_end (args);
  sqlite3_exec (db, "PRAGMA foreign_keys = ON", NULL, NULL, NULL);
  if (sqlite3_exec (db, sql, NULL, NULL, &err) != SQLITE_OK)
    g_error ("raw_exec: %s: %s", sql, err);
  id = sqlite3_last_insert_rowid (db);
  sqlite3_close (db);
  return id;
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

/* Asserts that @error is a refusal of @code and that the file did not change. */
#define assert_refused(f, before, error, code)                      \
  G_STMT_START {                                                    \
    g_autofree char *after__ = digest ((f)->path);                  \
    g_assert_error ((error), SCIM_STORE_ERROR, (code));             \
    g_assert_cmpstr ((before), ==, after__);                        \
    g_clear_error (&(error));                                       \
  } G_STMT_END

static void
sign_in (Fixture    *f,
         const char *login)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(ScimUser) user = scim_store_sign_in (f->store, login, NULL, &error);

  g_assert_no_error (error);
}

static gint64
now_seconds (void)
{
  return g_get_real_time () / G_USEC_PER_SEC;
}

static gint64
add_sale (Fixture *f,
          gint64   client,
          gint64   product,
          gint64   owner)
{
  gint64 stage = raw_intf (f->path, "SELECT id FROM stages WHERE product_id = %" G_GINT64_FORMAT
                           " ORDER BY position LIMIT 1 OFFSET 2", product);
  gint64 sale;

  sale = raw_exec (f->path, "INSERT INTO sales (client_id, product_id, stage_id, owner_id, amount, stage_entered_at, "
                   "created_at) VALUES (%" G_GINT64_FORMAT ", %" G_GINT64_FORMAT ", %" G_GINT64_FORMAT ", %"
                   G_GINT64_FORMAT ", 100, 1700000000, 1700000000)", client, product, stage, owner);
  raw_exec (f->path, "INSERT INTO stage_changes (sale_id, to_stage_id, user_id, at) VALUES (%" G_GINT64_FORMAT ", %"
            G_GINT64_FORMAT ", %" G_GINT64_FORMAT ", 1700000000)", sale, stage, owner);
  return sale;
}

static void
fixture_set_up (Fixture       *f,
                gconstpointer  data)
{
  static int n;
  g_autoptr(GError) error = NULL;
  g_autofree char *name = g_strdup_printf ("events-%d.db", ++n);

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
  f->product = scim_store_add_template_product (f->store, "Консалтинг", &error);
  g_assert_no_error (error);
  f->other = scim_store_add_template_product (f->store, "Аудит", &error);
  g_assert_no_error (error);

  f->client = raw_exec (f->path, "INSERT INTO clients (name, created_at) VALUES ('ООО «Ромашка»', 1700000000)");
  f->client2 = raw_exec (f->path, "INSERT INTO clients (name, created_at) VALUES ('АО «Василёк»', 1700000000)");
  f->sale = add_sale (f, f->client, f->product, f->ivan);
  f->sale2 = add_sale (f, f->client2, f->other, f->ivan);
}

static void
fixture_tear_down (Fixture       *f,
                   gconstpointer  data)
{
  scim_store_close (f->store);
  g_assert_finalize_object (f->store);
  g_free (f->path);
}

static gint64
stage_of_kind (Fixture    *f,
               gint64      product,
               const char *kind)
{
  return raw_intf (f->path, "SELECT id FROM stages WHERE product_id = %" G_GINT64_FORMAT " AND kind = '%s' "
                   "ORDER BY position LIMIT 1", product, kind);
}

static gint64
add_event (Fixture    *f,
           gint64      sale,
           const char *kind,
           const char *title,
           gint64      at)
{
  g_autoptr(GError) error = NULL;
  ScimEventFields fields = { sale, kind, title, NULL, at };
  gint64 id = scim_store_add_event (f->store, &fields, 0, &error);

  g_assert_no_error (error);
  g_assert_cmpint (id, >, 0);
  return id;
}

static ScimEvent *
get_event (Fixture *f,
           gint64   id)
{
  g_autoptr(GError) error = NULL;
  ScimEvent *event = scim_store_get_event (f->store, id, &error);

  g_assert_no_error (error);
  return event;
}

static gint64
count_unread (Fixture *f)
{
  g_autoptr(GError) error = NULL;
  gint64 n = scim_store_count_unread_events (f->store, &error);

  g_assert_no_error (error);
  return n;
}

/* The ids of the book for @query, newest first. */
static GArray *
ids_of (Fixture         *f,
        const ScimQuery *query)
{
  g_autoptr(GError) error = NULL;
  GArray *ids = scim_store_query_ids (f->store, query, NULL, &error);

  g_assert_no_error (error);
  return ids;
}

#define assert_ids(f, query, ...)                                              \
  G_STMT_START {                                                               \
    const gint64 expected__[] = { __VA_ARGS__ };                               \
    g_autoptr(GArray) ids__ = ids_of ((f), (query));                           \
    guint n__ = G_N_ELEMENTS (expected__) - 1;                                 \
    g_assert_cmpuint (ids__->len, ==, n__);                                    \
    for (guint i__ = 0; i__ < n__; i__++)                                      \
      g_assert_cmpint (g_array_index (ids__, gint64, i__), ==, expected__[i__]); \
  } G_STMT_END

/* Adding */

static void
test_add (Fixture       *f,
          gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(ScimEvent) event = NULL;
  g_autofree char *before = NULL;
  ScimEventFields fields = { f->sale, "meeting", "  Встреча с финдиректором  ", "Обсудили бюджет\n", 0 };
  const char * const *kinds = scim_event_kinds ();
  gint64 id, start = now_seconds ();

  /* Anyone signed in writes in any sale: petr in ivan's sale. */
  sign_in (f, "petr");
  id = scim_store_add_event (f->store, &fields, 0, &error);
  g_assert_no_error (error);
  event = get_event (f, id);
  g_assert_cmpstr (scim_record_get_string (SCIM_RECORD (event), "title"), ==, "Встреча с финдиректором");
  g_assert_cmpstr (scim_record_get_string (SCIM_RECORD (event), "text"), ==, "Обсудили бюджет");
  g_assert_cmpstr (scim_record_get_string (SCIM_RECORD (event), "kind"), ==, "meeting");
  g_assert_cmpstr (scim_record_get_string (SCIM_RECORD (event), "author"), ==, "Пётр Петров");
  g_assert_cmpstr (scim_record_get_string (SCIM_RECORD (event), "client"), ==, "ООО «Ромашка»");
  g_assert_cmpstr (scim_record_get_string (SCIM_RECORD (event), "product"), ==, "Консалтинг");
  g_assert_cmpint (scim_record_get_int (SCIM_RECORD (event), "client-id"), ==, f->client);
  g_assert_cmpint (scim_record_get_int (SCIM_RECORD (event), "product-id"), ==, f->product);
  g_assert_cmpint (scim_record_get_int (SCIM_RECORD (event), "sale-id"), ==, f->sale);
  g_assert_cmpint (scim_record_get_int (SCIM_RECORD (event), "author-id"), ==, f->petr);
  g_assert_cmpint (scim_record_get_version (SCIM_RECORD (event)), ==, 1);
  /* "When" defaults to now, which is not ahead. */
  g_assert_cmpint (scim_record_get_int (SCIM_RECORD (event), "at"), >=, start);
  g_assert_cmpint (scim_record_get_int (SCIM_RECORD (event), "at"), <=, now_seconds ());
  g_assert_false (scim_record_get_bool (SCIM_RECORD (event), "planned"));
  g_assert_false (scim_record_get_bool (SCIM_RECORD (event), "unread"));
  g_assert_cmpint (raw_intf (f->path, "SELECT count(*) FROM change_log WHERE entity = 'events' AND entity_id = %"
                             G_GINT64_FORMAT " AND action = 'insert' AND user_id = %" G_GINT64_FORMAT, id, f->petr),
                   ==, 1);

  /* Every kind the schema allows, and only those. */
  g_assert_cmpuint (g_strv_length ((char **) kinds), ==, 8);
  for (guint i = 0; kinds[i] != NULL; i++)
    {
      g_assert_true (scim_event_kind_is_valid (kinds[i]));
      add_event (f, f->sale2, kinds[i], scim_format_event_kind (kinds[i]), 0);
    }

  /* Refusals name the field and change nothing. */
  before = digest (f->path);
  fields.kind = "lunch";
  g_assert_cmpint (scim_store_add_event (f->store, &fields, 0, &error), ==, 0);
  g_assert_nonnull (strstr (error->message, "Kind"));
  assert_refused (f, before, error, SCIM_STORE_ERROR_INVALID);
  fields.kind = NULL;
  g_assert_cmpint (scim_store_add_event (f->store, &fields, 0, &error), ==, 0);
  assert_refused (f, before, error, SCIM_STORE_ERROR_INVALID);
  fields.kind = "call";
  fields.title = " \t ";
  g_assert_cmpint (scim_store_add_event (f->store, &fields, 0, &error), ==, 0);
  g_assert_true (g_str_has_prefix (error->message, "Title:"));
  assert_refused (f, before, error, SCIM_STORE_ERROR_INVALID);
  fields.title = NULL;
  g_assert_cmpint (scim_store_add_event (f->store, &fields, 0, &error), ==, 0);
  assert_refused (f, before, error, SCIM_STORE_ERROR_INVALID);
  fields.title = "Звонок";
  fields.sale_id = 9999;
  g_assert_cmpint (scim_store_add_event (f->store, &fields, 0, &error), ==, 0);
  g_assert_true (g_str_has_prefix (error->message, "Sale:"));
  assert_refused (f, before, error, SCIM_STORE_ERROR_INVALID);
  fields.sale_id = f->sale;
  fields.text = "\xff\xfe";
  g_assert_cmpint (scim_store_add_event (f->store, &fields, 0, &error), ==, 0);
  assert_refused (f, before, error, SCIM_STORE_ERROR_INVALID);
  fields.text = NULL;

  /* Nobody signed in, or a user switched off: no. */
  scim_store_set_user_id (f->store, 0);
  g_assert_cmpint (scim_store_add_event (f->store, &fields, 0, &error), ==, 0);
  assert_refused (f, before, error, SCIM_STORE_ERROR_PERMISSION);
  raw_exec (f->path, "UPDATE users SET active = 0 WHERE login = 'petr'");
  before = (g_free (before), digest (f->path));
  scim_store_set_user_id (f->store, f->petr);
  g_assert_cmpint (scim_store_add_event (f->store, &fields, 0, &error), ==, 0);
  assert_refused (f, before, error, SCIM_STORE_ERROR_PERMISSION);
}

/* Planned and past */

static void
test_planned (Fixture       *f,
              gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(ScimEvent) ahead = NULL;
  g_autoptr(ScimEvent) past = NULL;
  g_autoptr(ScimEvent) passed = NULL;
  gint64 now = now_seconds ();
  gint64 ahead_id, past_id;

  sign_in (f, "ivan");
  ahead_id = add_event (f, f->sale, "meeting", "Встреча в пятницу", now + 3 * 86400);
  past_id = add_event (f, f->sale, "call", "Звонок вчера", now - 86400);

  ahead = get_event (f, ahead_id);
  past = get_event (f, past_id);
  g_assert_true (scim_record_get_bool (SCIM_RECORD (ahead), "planned"));
  g_assert_false (scim_record_get_bool (SCIM_RECORD (past), "planned"));
  g_assert_cmpint (raw_intf (f->path, "SELECT planned FROM events WHERE id = %" G_GINT64_FORMAT, ahead_id), ==, 1);
  g_assert_cmpint (raw_intf (f->path, "SELECT planned FROM events WHERE id = %" G_GINT64_FORMAT, past_id), ==, 0);

  /* The time of a planned event comes: the book reads it as past at once,
   * and the next write of the book brings the stored column up to date. */
  raw_exec (f->path, "UPDATE events SET at = %" G_GINT64_FORMAT " WHERE id = %" G_GINT64_FORMAT, now - 60, ahead_id);
  passed = get_event (f, ahead_id);
  g_assert_false (scim_record_get_bool (SCIM_RECORD (passed), "planned"));
  g_assert_cmpint (raw_intf (f->path, "SELECT planned FROM events WHERE id = %" G_GINT64_FORMAT, ahead_id), ==, 1);
  add_event (f, f->sale2, "note", "Заметка", 0);
  g_assert_cmpint (raw_intf (f->path, "SELECT planned FROM events WHERE id = %" G_GINT64_FORMAT, ahead_id), ==, 0);
  /* Settling the column is not an edit. */
  g_assert_cmpint (raw_intf (f->path, "SELECT version FROM events WHERE id = %" G_GINT64_FORMAT, ahead_id), ==, 1);

  /* An edit that moves an event ahead makes it planned again. */
  {
    ScimEventFields fields = { 0, "meeting", "Встреча перенесена", NULL, now + 7 * 86400 };

    g_assert_true (scim_store_update_event (f->store, ahead_id, 1, &fields, &error));
    g_assert_no_error (error);
    g_assert_cmpint (raw_intf (f->path, "SELECT planned FROM events WHERE id = %" G_GINT64_FORMAT, ahead_id), ==, 1);
    g_clear_object (&ahead);
    ahead = get_event (f, ahead_id);
    g_assert_true (scim_record_get_bool (SCIM_RECORD (ahead), "planned"));
    /* A sale and time of 0 keep the event's own. */
    g_assert_cmpint (scim_record_get_int (SCIM_RECORD (ahead), "sale-id"), ==, f->sale);
    fields.at = 0;
    fields.title = "Встреча перенесена ещё раз";
    g_assert_true (scim_store_update_event (f->store, ahead_id, 2, &fields, &error));
    g_assert_no_error (error);
    g_assert_cmpint (raw_intf (f->path, "SELECT at FROM events WHERE id = %" G_GINT64_FORMAT, ahead_id), ==,
                     now + 7 * 86400);
  }
}

/* Unread marks */

static void
test_unread (Fixture       *f,
             gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(ScimQuery) unread = scim_query_new (SCIM_LIST_EVENTS);
  gint64 e1, e2, e3, e4, e5, olga;

  unread->only_unread = TRUE;

  /* Nothing yet; nobody signed in has no unread events. */
  scim_store_set_user_id (f->store, 0);
  g_assert_cmpint (count_unread (f), ==, 0);
  assert_ids (f, unread, 0);

  sign_in (f, "ivan");
  e1 = add_event (f, f->sale, "call", "Первый звонок", 0);
  /* What I wrote is never unread for me. */
  g_assert_cmpint (count_unread (f), ==, 0);
  assert_ids (f, unread, 0);
  {
    g_autoptr(ScimEvent) mine = get_event (f, e1);
    g_assert_false (scim_record_get_bool (SCIM_RECORD (mine), "unread"));
  }

  /* Colleagues see it unread until they mark it. */
  sign_in (f, "petr");
  g_assert_cmpint (count_unread (f), ==, 1);
  assert_ids (f, unread, e1, 0);
  {
    g_autoptr(ScimEvent) theirs = get_event (f, e1);
    g_assert_true (scim_record_get_bool (SCIM_RECORD (theirs), "unread"));
  }
  sign_in (f, "head");
  g_assert_cmpint (count_unread (f), ==, 1);

  sign_in (f, "petr");
  g_assert_true (scim_store_mark_events_read (f->store, &e1, 1, &error));
  g_assert_no_error (error);
  g_assert_cmpint (count_unread (f), ==, 0);
  assert_ids (f, unread, 0);
  {
    g_autoptr(ScimEvent) read = get_event (f, e1);
    g_assert_false (scim_record_get_bool (SCIM_RECORD (read), "unread"));
  }
  /* Marking again, or one's own, or one that is gone, does no harm. */
  g_assert_true (scim_store_mark_events_read (f->store, &e1, 1, &error));
  g_assert_no_error (error);
  {
    const gint64 gone[] = { 424242 };
    g_assert_true (scim_store_mark_events_read (f->store, gone, 1, &error));
    g_assert_no_error (error);
  }
  g_assert_cmpint (raw_intf (f->path, "SELECT count(*) FROM event_reads WHERE user_id = %" G_GINT64_FORMAT, f->petr),
                   ==, 1);
  /* petr's mark is his alone. */
  sign_in (f, "head");
  g_assert_cmpint (count_unread (f), ==, 1);

  /* More from ivan; petr reads all at once: one row moves, the single
   * marks go. */
  sign_in (f, "ivan");
  e2 = add_event (f, f->sale, "email", "Письмо", 0);
  e3 = add_event (f, f->sale2, "proposal", "КП отправлено", 0);
  sign_in (f, "petr");
  g_assert_cmpint (count_unread (f), ==, 2);
  assert_ids (f, unread, e3, e2, 0);
  g_assert_true (scim_store_mark_events_read (f->store, NULL, 0, &error));
  g_assert_no_error (error);
  g_assert_cmpint (count_unread (f), ==, 0);
  g_assert_cmpint (raw_intf (f->path, "SELECT count(*) FROM event_reads WHERE user_id = %" G_GINT64_FORMAT, f->petr),
                   ==, 0);
  g_assert_cmpint (raw_intf (f->path, "SELECT event_id FROM event_read_upto WHERE user_id = %" G_GINT64_FORMAT,
                             f->petr), ==, e3);
  g_assert_cmpint (raw_intf (f->path, "SELECT count(*) FROM change_log WHERE entity = 'event_reads' AND entity_id = %"
                             G_GINT64_FORMAT, f->petr), ==, 2);
  sign_in (f, "head");
  g_assert_cmpint (count_unread (f), ==, 3);

  /* A new user starts with everything read. */
  sign_in (f, "admin");
  olga = scim_store_add_user (f->store, "olga", "Ольга", NULL, SCIM_ROLE_SALES, FALSE, NULL, &error);
  g_assert_no_error (error);
  sign_in (f, "olga");
  g_assert_cmpint (count_unread (f), ==, 0);
  assert_ids (f, unread, 0);

  /* The newest event is deleted and another written in the same second:
   * it gets a new id, so the watermark past the deleted one does not hide
   * it. */
  sign_in (f, "ivan");
  {
    g_autoptr(GVariant) row = scim_store_delete_event (f->store, e3, &error);
    g_assert_no_error (error);
  }
  e4 = add_event (f, f->sale, "note", "Заметка", 0);
  g_assert_cmpint (e4, >, e3);
  sign_in (f, "petr");
  g_assert_cmpint (count_unread (f), ==, 1);
  sign_in (f, "olga");
  g_assert_cmpint (count_unread (f), ==, 1);
  assert_ids (f, unread, e4, 0);
  g_assert_true (scim_store_mark_events_read (f->store, NULL, 0, &error));
  g_assert_no_error (error);

  /* Another computer's clock runs ahead and its event is read by all;
   * what this one writes next is still after it, not hidden behind it. */
  raw_exec (f->path, "UPDATE events SET created_at = created_at + 600 WHERE id = %" G_GINT64_FORMAT, e4);
  sign_in (f, "olga");
  g_assert_true (scim_store_mark_events_read (f->store, NULL, 0, &error));
  g_assert_no_error (error);
  sign_in (f, "ivan");
  e5 = add_event (f, f->sale, "call", "Звонок", 0);
  g_assert_cmpint (raw_intf (f->path, "SELECT created_at FROM events WHERE id = %" G_GINT64_FORMAT, e5), >=,
                   raw_intf (f->path, "SELECT created_at FROM events WHERE id = %" G_GINT64_FORMAT, e4));
  sign_in (f, "olga");
  g_assert_cmpint (count_unread (f), ==, 1);
  assert_ids (f, unread, e5, 0);
  (void) olga;

  /* Marks need a user. */
  scim_store_set_user_id (f->store, 0);
  g_assert_false (scim_store_mark_events_read (f->store, NULL, 0, &error));
  g_assert_error (error, SCIM_STORE_ERROR, SCIM_STORE_ERROR_PERMISSION);
}

/* Who may edit and delete */

static void
test_permissions (Fixture       *f,
                  gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GVariant) row = NULL;
  g_autofree char *before = NULL;
  ScimEventFields fields = { 0, "call", "Исправлено", NULL, 0 };
  gint64 id, version = 1;

  sign_in (f, "ivan");
  id = add_event (f, f->sale, "call", "Звонок", 0);

  /* Another salesperson may not. */
  sign_in (f, "petr");
  before = digest (f->path);
  g_assert_false (scim_store_update_event (f->store, id, version, &fields, &error));
  g_assert_true (g_str_has_prefix (error->message, "Only the author"));
  assert_refused (f, before, error, SCIM_STORE_ERROR_PERMISSION);
  g_assert_null (scim_store_delete_event (f->store, id, &error));
  assert_refused (f, before, error, SCIM_STORE_ERROR_PERMISSION);
  scim_store_set_user_id (f->store, 0);
  g_assert_false (scim_store_update_event (f->store, id, version, &fields, &error));
  assert_refused (f, before, error, SCIM_STORE_ERROR_PERMISSION);

  /* The author, a head and an admin may. */
  sign_in (f, "ivan");
  g_assert_true (scim_store_update_event (f->store, id, version++, &fields, &error));
  g_assert_no_error (error);
  sign_in (f, "head");
  fields.title = "Исправлено руководителем";
  g_assert_true (scim_store_update_event (f->store, id, version++, &fields, &error));
  g_assert_no_error (error);
  sign_in (f, "admin");
  fields.title = "Исправлено администратором";
  g_assert_true (scim_store_update_event (f->store, id, version++, &fields, &error));
  g_assert_no_error (error);
  g_assert_cmpint (raw_intf (f->path, "SELECT version FROM events WHERE id = %" G_GINT64_FORMAT, id), ==, version);
  /* Still ivan's event. */
  g_assert_cmpint (raw_intf (f->path, "SELECT author_id FROM events WHERE id = %" G_GINT64_FORMAT, id), ==, f->ivan);

  /* A stale version is a conflict that names who saved in between. */
  sign_in (f, "ivan");
  before = (g_free (before), digest (f->path));
  g_assert_false (scim_store_update_event (f->store, id, 1, &fields, &error));
  g_assert_nonnull (strstr (error->message, "Анна Админова"));
  assert_refused (f, before, error, SCIM_STORE_ERROR_CONFLICT);

  /* Deleting: the head may; petr may not put it back, ivan may. */
  sign_in (f, "head");
  row = scim_store_delete_event (f->store, id, &error);
  g_assert_no_error (error);
  g_assert_nonnull (row);
  g_assert_cmpint (raw_intf (f->path, "SELECT count(*) FROM events WHERE id = %" G_GINT64_FORMAT, id), ==, 0);
  g_assert_false (scim_store_update_event (f->store, id, version, &fields, &error));
  g_assert_error (error, SCIM_STORE_ERROR, SCIM_STORE_ERROR_NOT_FOUND);
  g_clear_error (&error);
  sign_in (f, "petr");
  before = (g_free (before), digest (f->path));
  g_assert_false (scim_store_restore_event (f->store, row, &error));
  assert_refused (f, before, error, SCIM_STORE_ERROR_PERMISSION);
  sign_in (f, "ivan");
  g_assert_true (scim_store_restore_event (f->store, row, &error));
  g_assert_no_error (error);
  /* Back as it was: id, text, author, time of writing, version. */
  g_assert_cmpint (raw_intf (f->path, "SELECT count(*) FROM events WHERE id = %" G_GINT64_FORMAT " AND author_id = %"
                             G_GINT64_FORMAT " AND title = 'Исправлено администратором' AND version = %"
                             G_GINT64_FORMAT, id, f->ivan, version), ==, 1);
  g_assert_false (scim_store_restore_event (f->store, row, &error));
  g_assert_error (error, SCIM_STORE_ERROR, SCIM_STORE_ERROR_CONFLICT);
  g_clear_error (&error);
  /* The version survives the round trip, so an editor still holding it saves. */
  fields.title = "После отмены удаления";
  g_assert_true (scim_store_update_event (f->store, id, version, &fields, &error));
  g_assert_no_error (error);
}

/* History */

static void
test_history (Fixture       *f,
              gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) history = NULL;
  g_autoptr(GVariant) row = NULL;
  ScimEventFields fields = { 0, "meeting", "Встреча", "Первая версия", 1767225600 };
  gint64 id;
  GStrv v;

  sign_in (f, "ivan");
  fields.sale_id = f->sale;
  id = scim_store_add_event (f->store, &fields, 0, &error);
  g_assert_no_error (error);
  history = scim_store_event_history (f->store, id, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (history->len, ==, 0);
  g_clear_pointer (&history, g_ptr_array_unref);

  fields.title = "Встреча с директором";
  fields.text = "Вторая версия";
  fields.kind = "call";
  g_assert_true (scim_store_update_event (f->store, id, 1, &fields, &error));
  g_assert_no_error (error);
  sign_in (f, "head");
  fields.title = "Встреча с генеральным директором";
  fields.sale_id = f->sale2;
  g_assert_true (scim_store_update_event (f->store, id, 2, &fields, &error));
  g_assert_no_error (error);

  history = scim_store_event_history (f->store, id, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (history->len, ==, 2);
  v = g_ptr_array_index (history, 0);
  g_assert_cmpuint (g_strv_length (v), ==, 7);
  g_assert_cmpint (g_ascii_strtoll (v[0], NULL, 10), >, 1767225600);
  g_assert_cmpstr (v[1], ==, "Пётр Иванов");
  g_assert_cmpstr (v[2], ==, "Встреча");
  g_assert_cmpstr (v[3], ==, "Первая версия");
  g_assert_cmpstr (v[4], ==, "update");
  g_assert_cmpstr (v[5], ==, "meeting");
  g_assert_cmpstr (v[6], ==, "1767225600");
  v = g_ptr_array_index (history, 1);
  g_assert_cmpstr (v[1], ==, "Игорь Начальников");
  g_assert_cmpstr (v[2], ==, "Встреча с директором");
  g_assert_cmpstr (v[3], ==, "Вторая версия");
  g_assert_cmpstr (v[5], ==, "call");
  g_assert_cmpint (raw_intf (f->path, "SELECT sale_id FROM event_history WHERE event_id = %" G_GINT64_FORMAT
                             " ORDER BY id DESC LIMIT 1", id), ==, f->sale);
  g_clear_pointer (&history, g_ptr_array_unref);

  /* A delete is kept too, and the history outlives the event. */
  row = scim_store_delete_event (f->store, id, &error);
  g_assert_no_error (error);
  history = scim_store_event_history (f->store, id, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (history->len, ==, 3);
  v = g_ptr_array_index (history, 2);
  g_assert_cmpstr (v[1], ==, "Игорь Начальников");
  g_assert_cmpstr (v[2], ==, "Встреча с генеральным директором");
  g_assert_cmpstr (v[4], ==, "delete");
  g_assert_cmpint (raw_intf (f->path, "SELECT count(*) FROM change_log WHERE entity = 'events' AND entity_id = %"
                             G_GINT64_FORMAT " AND action = 'delete'", id), ==, 1);
  g_clear_pointer (&history, g_ptr_array_unref);

  /* Undo: the event is back under its id, the history keeps all three. */
  g_assert_true (scim_store_restore_event (f->store, row, &error));
  g_assert_no_error (error);
  {
    g_autoptr(ScimEvent) back = get_event (f, id);
    g_assert_cmpstr (scim_record_get_string (SCIM_RECORD (back), "title"), ==, "Встреча с генеральным директором");
    g_assert_cmpint (scim_record_get_int (SCIM_RECORD (back), "sale-id"), ==, f->sale2);
  }
  history = scim_store_event_history (f->store, id, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (history->len, ==, 3);
}

/* The stage move in the same step */

static void
test_stage_move (Fixture       *f,
                 gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *before = NULL;
  gint64 won = stage_of_kind (f, f->product, "won");
  gint64 lost = stage_of_kind (f, f->product, "lost");
  gint64 paused = stage_of_kind (f, f->product, "paused");
  gint64 other_won = stage_of_kind (f, f->other, "won");
  gint64 start_stage = raw_intf (f->path, "SELECT stage_id FROM sales WHERE id = %" G_GINT64_FORMAT, f->sale);
  gint64 at = now_seconds () + 30 * 86400;
  gint64 id, moves;
  ScimEventFields fields = { f->sale, "contract", "Договор подписан", "Оригиналы у бухгалтерии", 0 };

  g_assert_cmpint (won, >, 0);
  g_assert_cmpint (lost, >, 0);
  g_assert_cmpint (paused, >, 0);
  moves = raw_intf (f->path, "SELECT count(*) FROM stage_changes WHERE sale_id = %" G_GINT64_FORMAT, f->sale);

  /* Refused moves leave no event either. */
  sign_in (f, "ivan");
  before = digest (f->path);
  g_assert_cmpint (scim_store_add_event (f->store, &fields, other_won, &error), ==, 0);
  g_assert_true (g_str_has_prefix (error->message, "Stage:"));
  assert_refused (f, before, error, SCIM_STORE_ERROR_INVALID);
  g_assert_cmpint (scim_store_add_event (f->store, &fields, 987654, &error), ==, 0);
  assert_refused (f, before, error, SCIM_STORE_ERROR_INVALID);
  /* Lost without a reason (the title is the reason). */
  fields.title = "   ";
  g_assert_cmpint (scim_store_add_event (f->store, &fields, lost, &error), ==, 0);
  assert_refused (f, before, error, SCIM_STORE_ERROR_INVALID);
  /* Paused needs a date ahead to take it up again. */
  fields.title = "Клиент просит паузу";
  g_assert_cmpint (scim_store_add_event (f->store, &fields, paused, &error), ==, 0);
  g_assert_true (g_str_has_prefix (error->message, "Stage:"));
  assert_refused (f, before, error, SCIM_STORE_ERROR_INVALID);
  /* Anyone writes in the book, but only the salesperson, a head or an
   * admin moves the sale. */
  sign_in (f, "petr");
  fields.title = "Договор подписан";
  g_assert_cmpint (scim_store_add_event (f->store, &fields, won, &error), ==, 0);
  g_assert_true (g_str_has_prefix (error->message, "Only the salesperson"));
  assert_refused (f, before, error, SCIM_STORE_ERROR_PERMISSION);
  g_assert_cmpint (raw_intf (f->path, "SELECT stage_id FROM sales WHERE id = %" G_GINT64_FORMAT, f->sale), ==,
                   start_stage);

  /* "Contract signed" moves the sale to Deal signed: the event, the stage
   * history and the sale in one transaction. */
  sign_in (f, "ivan");
  id = scim_store_add_event (f->store, &fields, won, &error);
  g_assert_no_error (error);
  g_assert_cmpint (raw_intf (f->path, "SELECT count(*) FROM sales WHERE id = %" G_GINT64_FORMAT " AND stage_id = %"
                             G_GINT64_FORMAT " AND closed_at IS NOT NULL AND version = 2 AND lost_reason IS NULL",
                             f->sale, won), ==, 1);
  g_assert_cmpint (raw_intf (f->path, "SELECT count(*) FROM stage_changes WHERE sale_id = %" G_GINT64_FORMAT
                             " AND from_stage_id = %" G_GINT64_FORMAT " AND to_stage_id = %" G_GINT64_FORMAT
                             " AND user_id = %" G_GINT64_FORMAT " AND reason = 'Договор подписан'",
                             f->sale, start_stage, won, f->ivan), ==, 1);
  g_assert_cmpint (raw_intf (f->path, "SELECT count(*) FROM stage_intervals WHERE sale_id = %" G_GINT64_FORMAT
                             " AND stage_id = %" G_GINT64_FORMAT " AND left_at IS NULL", f->sale, won), ==, 1);
  /* One commit: the event's insert and the sale's update share a second
   * and come one after the other in the change log. */
  g_assert_cmpint (raw_intf (f->path, "SELECT count(*) FROM change_log e JOIN change_log s "
                             "ON s.entity = 'sales' AND s.entity_id = %" G_GINT64_FORMAT " AND s.action = 'update' "
                             "AND s.seq < e.seq AND s.at = e.at WHERE e.entity = 'events' AND e.entity_id = %"
                             G_GINT64_FORMAT, f->sale, id), ==, 1);
  {
    g_autoptr(ScimEvent) event = get_event (f, id);
    g_assert_cmpstr (scim_record_get_string (SCIM_RECORD (event), "stage"), ==,
                     "Deal signed");
  }

  /* The stage the sale is at already: the event alone. */
  fields.kind = "payment";
  fields.title = "Оплата получена";
  g_assert_cmpint (scim_store_add_event (f->store, &fields, won, &error), >, 0);
  g_assert_no_error (error);
  g_assert_cmpint (raw_intf (f->path, "SELECT count(*) FROM stage_changes WHERE sale_id = %" G_GINT64_FORMAT, f->sale),
                   ==, moves + 1);

  /* A head moves anyone's sale: lost, with the title as the reason. */
  sign_in (f, "head");
  fields.kind = "note";
  fields.title = "Выбрали конкурента";
  g_assert_cmpint (scim_store_add_event (f->store, &fields, lost, &error), >, 0);
  g_assert_no_error (error);
  g_assert_cmpint (raw_intf (f->path, "SELECT count(*) FROM sales WHERE id = %" G_GINT64_FORMAT " AND stage_id = %"
                             G_GINT64_FORMAT " AND lost_reason = 'Выбрали конкурента' AND closed_at IS NOT NULL",
                             f->sale, lost), ==, 1);

  /* A planned call with a pause until then. */
  fields.kind = "call";
  fields.title = "Вернуться после праздников";
  fields.at = at;
  g_assert_cmpint (scim_store_add_event (f->store, &fields, paused, &error), >, 0);
  g_assert_no_error (error);
  g_assert_cmpint (raw_intf (f->path, "SELECT count(*) FROM sales WHERE id = %" G_GINT64_FORMAT " AND stage_id = %"
                             G_GINT64_FORMAT " AND paused_until = %" G_GINT64_FORMAT " AND closed_at IS NULL "
                             "AND lost_reason IS NULL", f->sale, paused, at), ==, 1);
}

/* Filters */

static void
test_filters (Fixture       *f,
              gconstpointer  data)
{
  g_autoptr(ScimQuery) query = scim_query_new (SCIM_LIST_EVENTS);
  g_autoptr(ScimQuery) copy = NULL;
  gint64 day = 1767225600;   /* 2026-01-01 UTC */
  gint64 a, b, c, d, e, g;

  sign_in (f, "ivan");
  a = add_event (f, f->sale, "call", "Звонок", day);
  b = add_event (f, f->sale, "meeting", "Встреча", day + 86400);
  c = add_event (f, f->sale2, "call", "Звонок по аудиту", day + 2 * 86400);
  sign_in (f, "petr");
  d = add_event (f, f->sale, "note", "Заметка Петрова", day + 3 * 86400);
  e = add_event (f, f->sale2, "email", "Письмо Петрова", day + 3 * 86400);
  g = add_event (f, f->sale2, "call", "Созвон", day + 4 * 86400);

  /* Newest first; the same time by id, newest first. */
  assert_ids (f, query, g, e, d, c, b, a, 0);

  /* Salesperson (author) and "only mine". */
  query->owner_id = f->ivan;
  assert_ids (f, query, c, b, a, 0);
  query->owner_id = f->petr;
  assert_ids (f, query, g, e, d, 0);
  query->owner_id = 0;

  /* Client, product, sale. */
  query->client_id = f->client2;
  assert_ids (f, query, g, e, c, 0);
  query->client_id = 0;
  query->product_id = f->product;
  assert_ids (f, query, d, b, a, 0);
  query->product_id = 0;
  query->sale_id = f->sale2;
  assert_ids (f, query, g, e, c, 0);
  query->sale_id = 0;

  /* The search finds a client's events by the client's name too. */
  query->search = g_strdup ("Василёк");
  assert_ids (f, query, g, e, c, 0);
  g_clear_pointer (&query->search, g_free);

  /* Kind. */
  query->event_kind = g_strdup ("call");
  assert_ids (f, query, g, c, a, 0);

  /* Period: from the start, before the end. */
  query->since = day + 86400;
  assert_ids (f, query, g, c, 0);
  query->until = day + 4 * 86400;
  assert_ids (f, query, c, 0);
  g_clear_pointer (&query->event_kind, g_free);
  assert_ids (f, query, e, d, c, b, 0);

  /* A copy carries every filter, the kind too. */
  query->event_kind = g_strdup ("note");
  copy = scim_query_copy (query);
  g_assert_cmpstr (copy->event_kind, ==, "note");
  g_assert_true (copy->event_kind != query->event_kind);
  assert_ids (f, copy, d, 0);
  g_clear_pointer (&query->event_kind, g_free);
  query->since = query->until = 0;

  /* Only unread, for whoever is signed in; with the other filters. */
  query->only_unread = TRUE;
  assert_ids (f, query, c, b, a, 0);
  query->event_kind = g_strdup ("call");
  assert_ids (f, query, c, a, 0);
  g_clear_pointer (&query->event_kind, g_free);
  g_assert_true (scim_store_mark_events_read (f->store, &b, 1, NULL));
  assert_ids (f, query, c, a, 0);
  sign_in (f, "ivan");
  assert_ids (f, query, g, e, d, 0);
  sign_in (f, "head");
  assert_ids (f, query, g, e, d, c, b, a, 0);

  /* Search still works on the book. */
  query->only_unread = FALSE;
  query->search = g_strdup ("Петров");
  assert_ids (f, query, e, d, 0);

  /* Reads and stage names change what the book shows. */
  g_assert_true (scim_list_kind_depends_on (SCIM_LIST_EVENTS, "events"));
  g_assert_true (scim_list_kind_depends_on (SCIM_LIST_EVENTS, "event_reads"));
  g_assert_true (scim_list_kind_depends_on (SCIM_LIST_EVENTS, "stages"));
  g_assert_true (scim_list_kind_depends_on (SCIM_LIST_EVENTS, "sales"));
  g_assert_false (scim_list_kind_depends_on (SCIM_LIST_EVENTS, "tasks"));
}

/* The demo: everyone has read the book up to two days ago. */
static void
test_demo (void)
{
  g_autofree char *path = g_build_filename (tmpdir, "demo.db", NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(ScimStore) store = scim_store_open (path, SCIM_STORE_CREATE, &error);
  g_autoptr(ScimUser) user = NULL;
  gint64 user_id, expected, n;

  g_assert_no_error (error);
  g_assert_true (scim_store_fill_demo (store, SCIM_DEMO_SMALL, 7, NULL, NULL, NULL, &error));
  g_assert_no_error (error);
  user_id = raw_int (path, "SELECT id FROM users WHERE role = 'sales' ORDER BY id LIMIT 1");
  scim_store_set_user_id (store, user_id);
  expected = raw_intf (path, "SELECT count(*) FROM events e, event_read_upto m WHERE m.user_id = %" G_GINT64_FORMAT
                       " AND e.created_at > m.created_at AND e.author_id IS NOT %" G_GINT64_FORMAT, user_id, user_id);
  n = scim_store_count_unread_events (store, &error);
  g_assert_no_error (error);
  g_assert_cmpint (n, ==, expected);
  g_assert_cmpint (n, >, 0);
  g_assert_cmpint (n, <, raw_int (path, "SELECT count(*) FROM events") / 10);
  scim_store_close (store);
}

int
main (int    argc,
      char **argv)
{
  g_autoptr(GError) error = NULL;
  int ret;

  g_test_init (&argc, &argv, NULL);
  tmpdir = g_dir_make_tmp ("scim-events-XXXXXX", &error);
  g_assert_no_error (error);

#define ADD(path, func) g_test_add (path, Fixture, NULL, fixture_set_up, func, fixture_tear_down)
  ADD ("/events/add", test_add);
  ADD ("/events/planned", test_planned);
  ADD ("/events/unread", test_unread);
  ADD ("/events/permissions", test_permissions);
  ADD ("/events/history", test_history);
  ADD ("/events/stage-move", test_stage_move);
  ADD ("/events/filters", test_filters);
#undef ADD
  g_test_add_func ("/events/demo-unread", test_demo);

  ret = g_test_run ();
  {
    g_autofree char *cmd = g_strdup_printf ("rm -rf '%s'", tmpdir);
    if (system (cmd) != 0)
      g_printerr ("could not remove %s\n", tmpdir);
  }
  return ret;
}
