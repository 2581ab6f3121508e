/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gstdio.h>
#include <sqlite3.h>

#include "scim-core.h"

/* The Settings writes on real files: every rule, every role check, and
 * that a refused change leaves the file as it was. */

static char *tmpdir;

typedef struct
{
  ScimStore *store;
  char      *path;
  gint64     admin;
  gint64     head;
  gint64     ivan;   /* a salesperson */
  gint64     petr;   /* another salesperson */
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

static char *
raw_text (const char *path,
          const char *sql)
{
  sqlite3 *db = raw_open (path);
  sqlite3_stmt *stmt = NULL;
  char *value = NULL;

  if (sqlite3_prepare_v2 (db, sql, -1, &stmt, NULL) != SQLITE_OK)
    g_error ("raw_text: %s: %s", sql, sqlite3_errmsg (db));
  if (sqlite3_step (stmt) == SQLITE_ROW)
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

static void
sign_in (Fixture    *f,
         const char *login)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(ScimUser) user = scim_store_sign_in (f->store, login, NULL, &error);

  g_assert_no_error (error);
}

static void
fixture_set_up (Fixture       *f,
                gconstpointer  data)
{
  static int n;
  g_autoptr(GError) error = NULL;
  g_autofree char *name = g_strdup_printf ("settings-%d.db", ++n);

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
change_count (Fixture    *f,
              const char *entity,
              gint64      id,
              const char *action)
{
  g_autofree char *sql = g_strdup_printf ("SELECT count(*) FROM change_log WHERE entity = '%s' "
                                          "AND entity_id = %" G_GINT64_FORMAT " AND action = '%s'",
                                          entity, id, action);
  return raw_int (f->path, sql);
}

static gint64
version_of (Fixture    *f,
            const char *table,
            gint64      id)
{
  g_autofree char *sql = g_strdup_printf ("SELECT version FROM %s WHERE id = %" G_GINT64_FORMAT, table, id);
  return raw_int (f->path, sql);
}

/* Asserts that @error is a refusal of @code and that the file did not change. */
#define assert_refused(f, before, error, code)                      \
  G_STMT_START {                                                    \
    g_autofree char *after__ = digest ((f)->path);                  \
    g_assert_error ((error), SCIM_STORE_ERROR, (code));             \
    g_assert_cmpstr ((before), ==, after__);                        \
    g_clear_error (&(error));                                       \
  } G_STMT_END

static gint64
stage_at (Fixture *f,
          gint64   product_id,
          int      position)
{
  g_autofree char *sql = g_strdup_printf ("SELECT id FROM stages WHERE product_id = %" G_GINT64_FORMAT
                                          " AND position = %d", product_id, position);
  return raw_int (f->path, sql);
}

static gint64
add_client_raw (Fixture    *f,
                const char *name,
                gint64      manager)
{
  g_autofree char *sql = g_strdup_printf ("INSERT INTO clients (name, manager_id, created_at) VALUES ('%s', %"
                                          G_GINT64_FORMAT ", 1700000000)", name, manager);
  return raw_exec (f->path, sql);
}

/* A sale that went through @path (stage ids) a day per stage, as the sales
 * pages will write it: history first, the sale at the last stage. */
static gint64
add_sale (Fixture      *f,
          gint64        client_id,
          gint64        product_id,
          const gint64 *path,
          guint         n,
          gint64        owner)
{
  g_autofree char *sql = NULL;
  gint64 sale;

  sql = g_strdup_printf ("INSERT INTO sales (client_id, product_id, stage_id, owner_id, amount, stage_entered_at, "
                         "created_at) VALUES (%" G_GINT64_FORMAT ", %" G_GINT64_FORMAT ", %" G_GINT64_FORMAT
                         ", %" G_GINT64_FORMAT ", 100, %d, 1700000000)",
                         client_id, product_id, path[n - 1], owner, 1700000000 + (int) (n - 1) * 86400);
  sale = raw_exec (f->path, sql);
  for (guint i = 0; i < n; i++)
    {
      g_autofree char *from = i == 0 ? g_strdup ("NULL") : g_strdup_printf ("%" G_GINT64_FORMAT, path[i - 1]);

      g_free (sql);
      sql = g_strdup_printf ("INSERT INTO stage_changes (sale_id, from_stage_id, to_stage_id, user_id, at) "
                             "VALUES (%" G_GINT64_FORMAT ", %s, %" G_GINT64_FORMAT ", %" G_GINT64_FORMAT ", %d)",
                             sale, from, path[i], owner, 1700000000 + (int) i * 86400);
      raw_exec (f->path, sql);
    }
  return sale;
}

/* Audiences */

static void
test_audiences (Fixture       *f,
                gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *before = NULL;
  ScimClientFields client = { .name = "ООО «Ромашка»" };
  gint64 a, b, c, product, client_id;

  a = scim_store_add_audience (f->store, "  Производство ", "Заводы", &error);
  g_assert_no_error (error);
  g_assert_cmpint (change_count (f, "audiences", a, "insert"), ==, 1);
  {
    g_autofree char *name = raw_text (f->path, "SELECT name FROM audiences");
    g_assert_cmpstr (name, ==, "Производство");
  }

  before = digest (f->path);
  /* Duplicates regardless of case, in Cyrillic too; empty names. */
  g_assert_cmpint (scim_store_add_audience (f->store, "производство", NULL, &error), ==, 0);
  g_assert_nonnull (strstr (error->message, "Name:"));
  assert_refused (f, before, error, SCIM_STORE_ERROR_INVALID);
  g_assert_cmpint (scim_store_add_audience (f->store, "   ", NULL, &error), ==, 0);
  g_assert_true (g_str_has_prefix (error->message, "Name:"));
  assert_refused (f, before, error, SCIM_STORE_ERROR_INVALID);

  b = scim_store_add_audience (f->store, "Торговля", NULL, &error);
  g_assert_no_error (error);
  c = scim_store_add_audience (f->store, "Банки", NULL, &error);
  g_assert_no_error (error);

  /* Rename: versioned, unique. */
  g_assert_false (scim_store_update_audience (f->store, b, 1, "ПРОИЗВОДСТВО", NULL, &error));
  g_assert_error (error, SCIM_STORE_ERROR, SCIM_STORE_ERROR_INVALID);
  g_clear_error (&error);
  g_assert_true (scim_store_update_audience (f->store, b, 1, "Розница", "Магазины", &error));
  g_assert_no_error (error);
  g_assert_false (scim_store_update_audience (f->store, b, 1, "Опт", NULL, &error));
  g_assert_error (error, SCIM_STORE_ERROR, SCIM_STORE_ERROR_CONFLICT);
  g_clear_error (&error);

  /* Merge: clients and products move, the source goes, each change logged. */
  client.audience_id = b;
  client_id = scim_store_add_client (f->store, &client, &error);
  g_assert_no_error (error);
  product = scim_store_add_product (f->store, "Аудит", NULL, b, 0, SCIM_FUNNEL_EMPTY, 0, &error);
  g_assert_no_error (error);
  g_assert_false (scim_store_merge_audiences (f->store, b, b, &error));
  g_assert_error (error, SCIM_STORE_ERROR, SCIM_STORE_ERROR_INVALID);
  g_clear_error (&error);
  g_assert_true (scim_store_merge_audiences (f->store, b, a, &error));
  g_assert_no_error (error);
  g_assert_cmpint (raw_int (f->path, "SELECT count(*) FROM audiences"), ==, 2);
  g_assert_cmpint (raw_int (f->path, "SELECT audience_id FROM clients"), ==, a);
  g_assert_cmpint (raw_int (f->path, "SELECT audience_id FROM products"), ==, a);
  g_assert_cmpint (change_count (f, "audiences", b, "delete"), ==, 1);
  g_assert_cmpint (change_count (f, "clients", client_id, "update"), ==, 1);
  g_assert_cmpint (change_count (f, "products", product, "update"), ==, 1);
  g_assert_cmpint (version_of (f, "clients", client_id), ==, 2);
  g_assert_false (scim_store_merge_audiences (f->store, b, a, &error));
  g_assert_error (error, SCIM_STORE_ERROR, SCIM_STORE_ERROR_NOT_FOUND);
  g_clear_error (&error);

  /* Delete: its clients and products are left without one. */
  g_assert_true (scim_store_delete_audience (f->store, a, &error));
  g_assert_no_error (error);
  g_assert_cmpint (raw_int (f->path, "SELECT count(*) FROM clients WHERE audience_id IS NULL"), ==, 1);
  g_assert_cmpint (raw_int (f->path, "SELECT count(*) FROM products WHERE audience_id IS NULL"), ==, 1);

  /* Only admins: heads and salespeople are refused every audience write. */
  for (guint i = 0; i < 2; i++)
    {
      sign_in (f, i == 0 ? "ivan" : "head");
      g_free (before);
      before = digest (f->path);
      g_assert_cmpint (scim_store_add_audience (f->store, "Новая", NULL, &error), ==, 0);
      assert_refused (f, before, error, SCIM_STORE_ERROR_PERMISSION);
      g_assert_false (scim_store_update_audience (f->store, c, 1, "Банки 2", NULL, &error));
      assert_refused (f, before, error, SCIM_STORE_ERROR_PERMISSION);
      g_assert_false (scim_store_merge_audiences (f->store, c, c, &error));
      assert_refused (f, before, error, SCIM_STORE_ERROR_PERMISSION);
      g_assert_false (scim_store_delete_audience (f->store, c, &error));
      assert_refused (f, before, error, SCIM_STORE_ERROR_PERMISSION);
    }
}

/* Clients and contacts */

static void
test_clients_roles (Fixture       *f,
                    gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *before = NULL;
  ScimClientFields fields = { .kind = "company", .name = "ООО «Вектор»", .tax_id = "7812345678",
                              .phones = "+7 812 765-43-21", .emails = "office@vector.ru" };
  gint64 by_admin, by_head, by_ivan, product;

  /* Validation names the field. */
  before = digest (f->path);
  fields.name = "  ";
  g_assert_cmpint (scim_store_add_client (f->store, &fields, &error), ==, 0);
  g_assert_true (g_str_has_prefix (error->message, "Name:"));
  assert_refused (f, before, error, SCIM_STORE_ERROR_INVALID);
  fields.name = "ООО «Вектор»";
  fields.kind = "robot";
  g_assert_cmpint (scim_store_add_client (f->store, &fields, &error), ==, 0);
  g_assert_true (g_str_has_prefix (error->message, "Kind:"));
  assert_refused (f, before, error, SCIM_STORE_ERROR_INVALID);
  fields.kind = NULL;
  fields.audience_id = 999;
  g_assert_cmpint (scim_store_add_client (f->store, &fields, &error), ==, 0);
  g_assert_true (g_str_has_prefix (error->message, "Audience:"));
  assert_refused (f, before, error, SCIM_STORE_ERROR_INVALID);
  fields.audience_id = 0;

  by_admin = scim_store_add_client (f->store, &fields, &error);
  g_assert_no_error (error);
  g_assert_cmpint (change_count (f, "clients", by_admin, "insert"), ==, 1);
  g_assert_cmpint (raw_int (f->path, "SELECT count(*) FROM clients WHERE manager_id IS NULL AND kind = 'company'"), ==, 1);

  /* The head adds and edits any client. */
  sign_in (f, "head");
  fields.name = "ИП Сидоров";
  fields.kind = "person";
  fields.manager_id = f->petr;
  by_head = scim_store_add_client (f->store, &fields, &error);
  g_assert_no_error (error);
  fields.manager_id = f->ivan;
  g_assert_true (scim_store_update_client (f->store, by_admin, 1, &fields, &error));
  g_assert_no_error (error);
  g_assert_cmpint (version_of (f, "clients", by_admin), ==, 2);
  g_assert_cmpint (change_count (f, "clients", by_admin, "update"), ==, 1);
  /* A stale version is a conflict, naming who saved. */
  g_assert_false (scim_store_update_client (f->store, by_admin, 1, &fields, &error));
  g_assert_error (error, SCIM_STORE_ERROR, SCIM_STORE_ERROR_CONFLICT);
  g_assert_nonnull (strstr (error->message, "Игорь Начальников"));
  g_clear_error (&error);

  /* A salesperson adds clients that become theirs, edits their own, and
   * no one else's. */
  sign_in (f, "ivan");
  fields.name = "АО «Сатурн»";
  fields.manager_id = 0;
  by_ivan = scim_store_add_client (f->store, &fields, &error);
  g_assert_no_error (error);
  g_assert_cmpint (raw_int (f->path, "SELECT manager_id FROM clients ORDER BY id DESC LIMIT 1"), ==, f->ivan);
  fields.manager_id = f->ivan;
  fields.notes = "Перезвонить в марте";
  g_assert_true (scim_store_update_client (f->store, by_ivan, 1, &fields, &error));
  g_assert_no_error (error);
  g_assert_true (scim_store_update_client (f->store, by_admin, 2, &fields, &error));
  g_assert_no_error (error);

  g_free (before);
  before = digest (f->path);
  fields.manager_id = f->petr;
  g_assert_cmpint (scim_store_add_client (f->store, &fields, &error), ==, 0);
  g_assert_true (g_str_has_prefix (error->message, "Manager:"));
  assert_refused (f, before, error, SCIM_STORE_ERROR_PERMISSION);
  g_assert_false (scim_store_update_client (f->store, by_ivan, 2, &fields, &error));
  assert_refused (f, before, error, SCIM_STORE_ERROR_PERMISSION);
  fields.manager_id = f->petr;
  g_assert_false (scim_store_update_client (f->store, by_head, 1, &fields, &error));
  assert_refused (f, before, error, SCIM_STORE_ERROR_PERMISSION);
  g_assert_false (scim_store_delete_client (f->store, by_ivan, &error));
  assert_refused (f, before, error, SCIM_STORE_ERROR_PERMISSION);

  /* Contacts follow the client's rights. */
  g_assert_cmpint (scim_store_add_contact (f->store, by_head, "Олег", NULL, NULL, NULL, NULL, &error), ==, 0);
  assert_refused (f, before, error, SCIM_STORE_ERROR_PERMISSION);
  g_assert_cmpint (scim_store_add_contact (f->store, by_ivan, "Олег", NULL, NULL, NULL, NULL, &error), >, 0);
  g_assert_no_error (error);

  /* Nobody signed in: nothing. */
  scim_store_set_user_id (f->store, 0);
  g_free (before);
  before = digest (f->path);
  g_assert_cmpint (scim_store_add_client (f->store, &fields, &error), ==, 0);
  assert_refused (f, before, error, SCIM_STORE_ERROR_PERMISSION);

  /* Deleting: heads and admins, and never a client with sales. */
  sign_in (f, "admin");
  product = scim_store_add_product (f->store, "Аудит", NULL, 0, 0, SCIM_FUNNEL_EMPTY, 0, &error);
  g_assert_no_error (error);
  {
    gint64 path[] = { stage_at (f, product, 0) };
    add_sale (f, by_head, product, path, 1, f->petr);
  }
  sign_in (f, "head");
  g_free (before);
  before = digest (f->path);
  g_assert_false (scim_store_delete_client (f->store, by_head, &error));
  g_assert_nonnull (strstr (error->message, "1 sale"));
  assert_refused (f, before, error, SCIM_STORE_ERROR_INVALID);
  g_assert_true (scim_store_delete_client (f->store, by_ivan, &error));
  g_assert_no_error (error);
  g_assert_cmpint (raw_int (f->path, "SELECT count(*) FROM contacts"), ==, 0);
  g_assert_cmpint (change_count (f, "clients", by_ivan, "delete"), ==, 1);
  g_assert_false (scim_store_delete_client (f->store, by_ivan, &error));
  g_assert_error (error, SCIM_STORE_ERROR, SCIM_STORE_ERROR_NOT_FOUND);
  g_clear_error (&error);
}

static guint
n_items (GListModel *model)
{
  return g_list_model_get_n_items (model);
}

static gint64
item_id (GListModel *model,
         guint       i)
{
  g_autoptr(ScimRecord) record = g_list_model_get_item (model, i);
  return scim_record_get_id (record);
}

static void
test_duplicates (Fixture       *f,
                 gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  ScimClientFields a = { .name = "ООО «Ромашка»", .tax_id = "7701234567",
                         .phones = "+7 (495) 123-45-67\n+7 916 000-11-22", .emails = "Info@Romashka.ru\nboss@romashka.ru" };
  ScimClientFields b = { .name = "АО «Вектор»", .tax_id = "7812345678", .phones = "8 (812) 765-43-21, 812 765 43 22",
                         .emails = "office@vector.ru" };
  gint64 id_a, id_b;

  id_a = scim_store_add_client (f->store, &a, &error);
  g_assert_no_error (error);
  id_b = scim_store_add_client (f->store, &b, &error);
  g_assert_no_error (error);

  {
    g_autoptr(GListModel) found = scim_store_find_duplicate_clients (f->store, 0, " 7701234567 ", NULL, NULL, &error);
    g_assert_no_error (error);
    g_assert_cmpuint (n_items (found), ==, 1);
    g_assert_cmpint (item_id (found, 0), ==, id_a);
    g_assert_true (g_list_model_get_item_type (found) == SCIM_TYPE_CLIENT);
    {
      g_autoptr(ScimRecord) record = g_list_model_get_item (found, 0);
      g_assert_true (scim_record_get_loaded (record));
      g_assert_cmpstr (scim_record_get_string (record, "name"), ==, "ООО «Ромашка»");
    }
  }
  /* Phones by their last 10 digits, whatever the format, on any line. */
  {
    g_autoptr(GListModel) found = scim_store_find_duplicate_clients (f->store, 0, NULL, "8 495 1234567", NULL, &error);
    g_assert_no_error (error);
    g_assert_cmpuint (n_items (found), ==, 1);
    g_assert_cmpint (item_id (found, 0), ==, id_a);
  }
  {
    g_autoptr(GListModel) found = scim_store_find_duplicate_clients (f->store, 0, NULL, "000\n(916) 0001122", NULL, &error);
    g_assert_cmpuint (n_items (found), ==, 1);
  }
  {
    g_autoptr(GListModel) found = scim_store_find_duplicate_clients (f->store, 0, NULL, "+78127654322", NULL, &error);
    g_assert_cmpuint (n_items (found), ==, 1);
    g_assert_cmpint (item_id (found, 0), ==, id_b);
  }
  /* E-mail regardless of case and spaces; both clients at once, once each. */
  {
    g_autoptr(GListModel) found =
      scim_store_find_duplicate_clients (f->store, 0, "7812345678", "+7 495 123 45 67", "  OFFICE@vector.RU \ninfo@romashka.ru",
                                         &error);
    g_assert_no_error (error);
    g_assert_cmpuint (n_items (found), ==, 2);
    g_assert_cmpint (item_id (found, 0), ==, id_a);
    g_assert_cmpint (item_id (found, 1), ==, id_b);
  }
  /* The client being edited is not its own duplicate. */
  {
    g_autoptr(GListModel) found = scim_store_find_duplicate_clients (f->store, id_a, a.tax_id, a.phones, a.emails, &error);
    g_assert_cmpuint (n_items (found), ==, 0);
  }
  {
    g_autoptr(GListModel) found = scim_store_find_duplicate_clients (f->store, 0, "", "12-34", "nobody@example.ru", &error);
    g_assert_cmpuint (n_items (found), ==, 0);
  }

  /* Asked before every save, among 100,000 clients. */
  raw_exec (f->path,
            "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 100000) "
            "INSERT INTO clients (name, tax_id, phones, emails, created_at) "
            "SELECT 'Клиент ' || i, printf('%010d', 1000000000 + i), "
            "printf('+7 (9%02d) %03d-%02d-%02d', i % 100, i % 1000, i % 97, i % 89) || char(10) || "
            "printf('+7 495 %07d', i), 'client' || i || '@example.ru', 1700000000 FROM n;");
  {
    g_autoptr(GListModel) found =
      scim_store_find_duplicate_clients (f->store, 0, "1000054321", "8 (495) 005-43-21", "CLIENT777@example.ru", &error);
    g_assert_no_error (error);
    g_assert_cmpuint (n_items (found), ==, 2);
  }
  /* How fast is the benchmark's business (bench-import); here, that the
   * two are found among 100,002 and nothing else. */
}

static void
test_contacts (Fixture       *f,
               gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *before = NULL;
  ScimClientFields fields = { .name = "ООО «Ромашка»" };
  gint64 client, other, maria, oleg;

  client = scim_store_add_client (f->store, &fields, &error);
  g_assert_no_error (error);
  other = scim_store_add_client (f->store, &fields, &error);
  g_assert_no_error (error);

  maria = scim_store_add_contact (f->store, client, " Мария Петрова ", "Финансовый директор", "+7 495 111-22-33",
                                  "m@romashka.ru", "decision_maker", &error);
  g_assert_no_error (error);
  oleg = scim_store_add_contact (f->store, client, "Олег", NULL, NULL, NULL, NULL, &error);
  g_assert_no_error (error);
  scim_store_add_contact (f->store, other, "Анна", NULL, NULL, NULL, "key_contact", &error);
  g_assert_no_error (error);
  g_assert_cmpint (change_count (f, "contacts", maria, "insert"), ==, 1);

  before = digest (f->path);
  g_assert_cmpint (scim_store_add_contact (f->store, client, " ", NULL, NULL, NULL, NULL, &error), ==, 0);
  g_assert_true (g_str_has_prefix (error->message, "Name:"));
  assert_refused (f, before, error, SCIM_STORE_ERROR_INVALID);
  g_assert_cmpint (scim_store_add_contact (f->store, client, "Х", NULL, NULL, NULL, "boss", &error), ==, 0);
  g_assert_true (g_str_has_prefix (error->message, "Role:"));
  assert_refused (f, before, error, SCIM_STORE_ERROR_INVALID);
  g_assert_cmpint (scim_store_add_contact (f->store, 999, "Х", NULL, NULL, NULL, NULL, &error), ==, 0);
  assert_refused (f, before, error, SCIM_STORE_ERROR_NOT_FOUND);

  {
    g_autoptr(GListModel) contacts = scim_store_list_contacts (f->store, client, &error);
    g_autoptr(ScimRecord) first = NULL;

    g_assert_no_error (error);
    g_assert_cmpuint (n_items (contacts), ==, 2);
    g_assert_true (g_list_model_get_item_type (contacts) == SCIM_TYPE_CONTACT);
    first = g_list_model_get_item (contacts, 0);
    g_assert_cmpstr (scim_record_get_string (first, "name"), ==, "Мария Петрова");
    g_assert_cmpstr (scim_record_get_string (first, "position"), ==, "Финансовый директор");
    g_assert_cmpstr (scim_record_get_string (first, "role"), ==, "decision_maker");
    g_assert_cmpstr (scim_record_get_string (first, "client"), ==, "ООО «Ромашка»");
    g_assert_cmpint (scim_record_get_int (first, "client-id"), ==, client);
    g_assert_cmpstr (scim_contact_role_get_label ("influence_agent"), ==, "Agent of influence");
  }

  g_assert_true (scim_store_update_contact (f->store, oleg, 1, "Олег Сидоров", "Юрист", NULL, NULL, "influence_agent", &error));
  g_assert_no_error (error);
  g_assert_false (scim_store_update_contact (f->store, oleg, 1, "Олег", NULL, NULL, NULL, NULL, &error));
  g_assert_error (error, SCIM_STORE_ERROR, SCIM_STORE_ERROR_CONFLICT);
  g_clear_error (&error);
  g_assert_true (scim_store_delete_contact (f->store, oleg, &error));
  g_assert_no_error (error);
  g_assert_cmpint (change_count (f, "contacts", oleg, "delete"), ==, 1);

  /* A salesperson edits the contacts of the clients they manage only. */
  sign_in (f, "ivan");
  g_free (before);
  before = digest (f->path);
  g_assert_false (scim_store_update_contact (f->store, maria, 1, "Мария", NULL, NULL, NULL, NULL, &error));
  assert_refused (f, before, error, SCIM_STORE_ERROR_PERMISSION);
  g_assert_false (scim_store_delete_contact (f->store, maria, &error));
  assert_refused (f, before, error, SCIM_STORE_ERROR_PERMISSION);
  sign_in (f, "head");
  g_assert_true (scim_store_delete_contact (f->store, maria, &error));
  g_assert_no_error (error);
}

/* Products and funnels */

static void
assert_stages (Fixture    *f,
               gint64      product,
               const char *expected)
{
  g_autofree char *sql = g_strdup_printf ("SELECT group_concat(name || ':' || kind, ' | ') FROM "
                                          "(SELECT name, kind FROM stages WHERE product_id = %" G_GINT64_FORMAT
                                          " ORDER BY position)", product);
  g_autofree char *names = raw_text (f->path, sql);
  g_autofree char *positions = NULL;

  g_assert_cmpstr (names, ==, expected);
  /* Positions are always 0, 1, 2… */
  g_free (sql);
  sql = g_strdup_printf ("SELECT count(*) FROM stages s WHERE product_id = %" G_GINT64_FORMAT " AND position != "
                         "(SELECT count(*) FROM stages o WHERE o.product_id = s.product_id AND o.position < s.position)",
                         product);
  g_assert_cmpint (raw_int (f->path, sql), ==, 0);
}

static void
test_products (Fixture       *f,
               gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *before = NULL;
  gint64 empty, template, copy, audience;

  audience = scim_store_add_audience (f->store, "Производство", NULL, &error);
  g_assert_no_error (error);
  empty = scim_store_add_product (f->store, "Аудит", "Проверка отчётности", audience, f->head, SCIM_FUNNEL_EMPTY, 0, &error);
  g_assert_no_error (error);
  assert_stages (f, empty, "New:open | Won:won");
  template = scim_store_add_product (f->store, "Консалтинг", NULL, 0, 0, SCIM_FUNNEL_TEMPLATE, 0, &error);
  g_assert_no_error (error);
  g_assert_cmpint (raw_int (f->path, "SELECT count(*) FROM stages WHERE product_id = 2"), ==, 12);
  g_assert_cmpint (raw_int (f->path, "SELECT count(*) FROM products WHERE id = 2 AND manager_id IS NULL"), ==, 1);
  copy = scim_store_add_product (f->store, "Консалтинг 2", NULL, 0, 0, SCIM_FUNNEL_COPY, template, &error);
  g_assert_no_error (error);
  g_assert_cmpint (raw_int (f->path, "SELECT count(*) FROM stages a JOIN stages b ON a.position = b.position "
                                     "AND a.name = b.name AND a.kind = b.kind AND a.probability = b.probability "
                                     "AND a.stuck_days IS b.stuck_days AND a.description = b.description "
                                     "WHERE a.product_id = 2 AND b.product_id = 3"), ==, 12);
  g_assert_cmpint (change_count (f, "products", copy, "insert"), ==, 1);
  g_assert_cmpint (raw_int (f->path, "SELECT count(*) FROM change_log WHERE entity = 'stages' AND action = 'insert'"),
                   ==, 2 + 12 + 12);

  /* The built-in template product is the same code: managed by its maker. */
  {
    gint64 built_in = scim_store_add_template_product (f->store, NULL, &error);
    g_autofree char *sql = g_strdup_printf ("SELECT manager_id FROM products WHERE id = %" G_GINT64_FORMAT, built_in);

    g_assert_no_error (error);
    g_assert_cmpint (raw_int (f->path, sql), ==, f->admin);
  }

  before = digest (f->path);
  g_assert_cmpint (scim_store_add_product (f->store, "аудит", NULL, 0, 0, SCIM_FUNNEL_EMPTY, 0, &error), ==, 0);
  g_assert_true (g_str_has_prefix (error->message, "Name: a product"));
  assert_refused (f, before, error, SCIM_STORE_ERROR_INVALID);
  g_assert_cmpint (scim_store_add_product (f->store, "", NULL, 0, 0, SCIM_FUNNEL_EMPTY, 0, &error), ==, 0);
  assert_refused (f, before, error, SCIM_STORE_ERROR_INVALID);
  g_assert_cmpint (scim_store_add_product (f->store, "Новый", NULL, 0, 0, SCIM_FUNNEL_COPY, 999, &error), ==, 0);
  assert_refused (f, before, error, SCIM_STORE_ERROR_INVALID);
  g_assert_cmpint (scim_store_add_product (f->store, "Новый", NULL, 999, 0, SCIM_FUNNEL_EMPTY, 0, &error), ==, 0);
  assert_refused (f, before, error, SCIM_STORE_ERROR_INVALID);

  /* Update with the version; archive. */
  g_assert_true (scim_store_update_product (f->store, empty, 1, "Аудит МСФО", "Новое описание", 0, f->admin, FALSE, &error));
  g_assert_no_error (error);
  g_assert_cmpint (raw_int (f->path, "SELECT active FROM products WHERE id = 1"), ==, 0);
  g_assert_cmpint (change_count (f, "products", empty, "update"), ==, 1);
  g_assert_false (scim_store_update_product (f->store, empty, 1, "Аудит", NULL, 0, 0, TRUE, &error));
  g_assert_error (error, SCIM_STORE_ERROR, SCIM_STORE_ERROR_CONFLICT);
  g_clear_error (&error);
  g_assert_false (scim_store_update_product (f->store, empty, 2, "КОНСАЛТИНГ", NULL, 0, 0, TRUE, &error));
  g_assert_error (error, SCIM_STORE_ERROR, SCIM_STORE_ERROR_INVALID);
  g_clear_error (&error);

  {
    g_autoptr(ScimProduct) found = scim_store_find_product (f->store, "аудит мсфо", &error);
    g_assert_no_error (error);
    g_assert_cmpint (scim_record_get_id (SCIM_RECORD (found)), ==, empty);
    g_assert_null (scim_store_find_product (f->store, "нет такого", &error));
    g_assert_error (error, SCIM_STORE_ERROR, SCIM_STORE_ERROR_NOT_FOUND);
    g_clear_error (&error);
  }

  /* Only admins. */
  for (guint i = 0; i < 2; i++)
    {
      sign_in (f, i == 0 ? "ivan" : "head");
      g_free (before);
      before = digest (f->path);
      g_assert_cmpint (scim_store_add_product (f->store, "Х", NULL, 0, 0, SCIM_FUNNEL_EMPTY, 0, &error), ==, 0);
      assert_refused (f, before, error, SCIM_STORE_ERROR_PERMISSION);
      g_assert_cmpint (scim_store_add_template_product (f->store, "Х", &error), ==, 0);
      assert_refused (f, before, error, SCIM_STORE_ERROR_PERMISSION);
      g_assert_false (scim_store_update_product (f->store, empty, 2, "Х", NULL, 0, 0, TRUE, &error));
      assert_refused (f, before, error, SCIM_STORE_ERROR_PERMISSION);
    }
}

static void
test_stages (Fixture       *f,
             gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *before = NULL;
  ScimStageFields fields = { .name = "Презентация", .kind = "open", .probability = 30, .stuck_days = 7 };
  gint64 product, other, new_stage, won, presentation, lost;

  product = scim_store_add_product (f->store, "Аудит", NULL, 0, 0, SCIM_FUNNEL_EMPTY, 0, &error);
  g_assert_no_error (error);
  other = scim_store_add_product (f->store, "Консалтинг", NULL, 0, 0, SCIM_FUNNEL_EMPTY, 0, &error);
  g_assert_no_error (error);
  new_stage = stage_at (f, product, 0);
  won = stage_at (f, product, 1);

  /* Added at a place: the later stages move down. */
  presentation = scim_store_add_stage (f->store, product, 1, &fields, &error);
  g_assert_no_error (error);
  assert_stages (f, product, "New:open | Презентация:open | Won:won");
  g_assert_cmpint (version_of (f, "stages", won), ==, 2);
  g_assert_cmpint (version_of (f, "stages", new_stage), ==, 1);
  g_assert_cmpint (raw_int (f->path, "SELECT stuck_days FROM stages WHERE name = 'Презентация'"), ==, 7);
  fields.name = "Отказ";
  fields.kind = "lost";
  fields.stuck_days = 0;
  lost = scim_store_add_stage (f->store, product, -1, &fields, &error);
  g_assert_no_error (error);
  assert_stages (f, product, "New:open | Презентация:open | Won:won | Отказ:lost");
  g_assert_cmpint (raw_int (f->path, "SELECT count(*) FROM stages WHERE name = 'Отказ' AND stuck_days IS NULL"), ==, 1);
  /* The same name in another product is fine. */
  scim_store_add_stage (f->store, other, 0, &fields, &error);
  g_assert_no_error (error);

  /* Every rule, each naming its field; nothing written. */
  before = digest (f->path);
  fields.name = "ПРЕЗЕНТАЦИЯ";
  fields.kind = "open";
  g_assert_cmpint (scim_store_add_stage (f->store, product, 0, &fields, &error), ==, 0);
  g_assert_true (g_str_has_prefix (error->message, "Name:"));
  assert_refused (f, before, error, SCIM_STORE_ERROR_INVALID);
  fields.name = "";
  g_assert_cmpint (scim_store_add_stage (f->store, product, 0, &fields, &error), ==, 0);
  assert_refused (f, before, error, SCIM_STORE_ERROR_INVALID);
  fields.name = "Новая";
  fields.probability = 101;
  g_assert_cmpint (scim_store_add_stage (f->store, product, 0, &fields, &error), ==, 0);
  g_assert_true (g_str_has_prefix (error->message, "Probability:"));
  assert_refused (f, before, error, SCIM_STORE_ERROR_INVALID);
  fields.probability = -1;
  g_assert_cmpint (scim_store_add_stage (f->store, product, 0, &fields, &error), ==, 0);
  assert_refused (f, before, error, SCIM_STORE_ERROR_INVALID);
  fields.probability = 50;
  fields.stuck_days = -3;
  g_assert_cmpint (scim_store_add_stage (f->store, product, 0, &fields, &error), ==, 0);
  g_assert_true (g_str_has_prefix (error->message, "Stuck after:"));
  assert_refused (f, before, error, SCIM_STORE_ERROR_INVALID);
  fields.stuck_days = 0;
  fields.kind = "closed";
  g_assert_cmpint (scim_store_add_stage (f->store, product, 0, &fields, &error), ==, 0);
  g_assert_true (g_str_has_prefix (error->message, "Kind:"));
  assert_refused (f, before, error, SCIM_STORE_ERROR_INVALID);
  g_assert_cmpint (scim_store_add_stage (f->store, 999, 0, &fields, &error), ==, 0);
  g_assert_nonnull (error);
  g_clear_error (&error);

  /* The funnel keeps an open and a won stage through every edit. */
  fields.name = "Won";
  fields.kind = "open";
  g_assert_false (scim_store_update_stage (f->store, won, 2, &fields, &error));
  g_assert_nonnull (strstr (error->message, "won stage"));
  assert_refused (f, before, error, SCIM_STORE_ERROR_INVALID);
  g_assert_false (scim_store_delete_stage (f->store, won, 0, &error));
  assert_refused (f, before, error, SCIM_STORE_ERROR_INVALID);
  fields.name = "New";
  fields.kind = "paused";
  g_assert_true (scim_store_update_stage (f->store, new_stage, 1, &fields, &error));
  g_assert_no_error (error);
  g_free (before);
  before = digest (f->path);
  g_assert_false (scim_store_delete_stage (f->store, presentation, 0, &error));
  g_assert_nonnull (strstr (error->message, "open stage"));
  assert_refused (f, before, error, SCIM_STORE_ERROR_INVALID);
  fields.kind = "open";
  g_assert_true (scim_store_update_stage (f->store, new_stage, 2, &fields, &error));
  g_assert_no_error (error);
  g_assert_false (scim_store_update_stage (f->store, new_stage, 2, &fields, &error));
  g_assert_error (error, SCIM_STORE_ERROR, SCIM_STORE_ERROR_CONFLICT);
  g_clear_error (&error);
  fields.name = "Презентация";
  g_assert_false (scim_store_update_stage (f->store, new_stage, 3, &fields, &error));
  g_assert_error (error, SCIM_STORE_ERROR, SCIM_STORE_ERROR_INVALID);
  g_clear_error (&error);

  /* Reorder: exactly the product's stages, each once. */
  {
    gint64 order[] = { lost, won, presentation, new_stage };
    gint64 short_list[] = { lost, won, presentation };
    gint64 twice[] = { lost, won, presentation, presentation };
    gint64 foreign[] = { lost, won, presentation, stage_at (f, other, 0) };

    g_free (before);
    before = digest (f->path);
    g_assert_false (scim_store_reorder_stages (f->store, product, short_list, 3, &error));
    g_assert_true (g_str_has_prefix (error->message, "Order:"));
    assert_refused (f, before, error, SCIM_STORE_ERROR_INVALID);
    g_assert_false (scim_store_reorder_stages (f->store, product, twice, 4, &error));
    assert_refused (f, before, error, SCIM_STORE_ERROR_INVALID);
    g_assert_false (scim_store_reorder_stages (f->store, product, foreign, 4, &error));
    assert_refused (f, before, error, SCIM_STORE_ERROR_INVALID);

    g_assert_true (scim_store_reorder_stages (f->store, product, order, 4, &error));
    g_assert_no_error (error);
    assert_stages (f, product, "Отказ:lost | Won:won | Презентация:open | New:open");
    g_assert_cmpint (change_count (f, "stages", lost, "update"), ==, 1);
  }

  /* The stage list the editor shows follows. */
  {
    g_autoptr(ScimQuery) query = scim_query_new (SCIM_LIST_STAGES);
    g_autoptr(GListModel) stages = NULL;

    query->product_id = product;
    stages = scim_store_list (f->store, query, &error);
    g_assert_no_error (error);
    g_assert_cmpuint (n_items (stages), ==, 4);
    g_assert_cmpint (item_id (stages, 0), ==, lost);
    g_assert_cmpint (item_id (stages, 3), ==, new_stage);
  }

  /* Only admins, for every stage write. */
  for (guint i = 0; i < 2; i++)
    {
      gint64 order[] = { new_stage, presentation, won, lost };

      sign_in (f, i == 0 ? "ivan" : "head");
      g_free (before);
      before = digest (f->path);
      fields.name = "Х";
      g_assert_cmpint (scim_store_add_stage (f->store, product, 0, &fields, &error), ==, 0);
      assert_refused (f, before, error, SCIM_STORE_ERROR_PERMISSION);
      g_assert_false (scim_store_update_stage (f->store, presentation, 1, &fields, &error));
      assert_refused (f, before, error, SCIM_STORE_ERROR_PERMISSION);
      g_assert_false (scim_store_reorder_stages (f->store, product, order, 4, &error));
      assert_refused (f, before, error, SCIM_STORE_ERROR_PERMISSION);
      g_assert_false (scim_store_delete_stage (f->store, presentation, 0, &error));
      assert_refused (f, before, error, SCIM_STORE_ERROR_PERMISSION);
    }
}

/* One open interval per sale, in the sale's own stage. */
static void
assert_history_consistent (Fixture *f)
{
  g_assert_cmpint (raw_int (f->path, "SELECT count(*) FROM sales s WHERE (SELECT count(*) FROM stage_intervals i "
                                     "WHERE i.sale_id = s.id AND i.left_at IS NULL) != 1"), ==, 0);
  g_assert_cmpint (raw_int (f->path, "SELECT count(*) FROM stage_intervals i JOIN sales s ON s.id = i.sale_id "
                                     "WHERE i.left_at IS NULL AND i.stage_id != s.stage_id"), ==, 0);
  g_assert_cmpint (raw_int (f->path, "SELECT count(*) FROM sales s WHERE s.stage_id != (SELECT c.to_stage_id "
                                     "FROM stage_changes c WHERE c.sale_id = s.id ORDER BY c.at DESC, c.id DESC LIMIT 1)"),
                   ==, 0);
  g_assert_cmpint (raw_int (f->path, "SELECT count(*) FROM sales s JOIN stages st ON st.id = s.stage_id "
                                     "WHERE (st.kind IN ('won', 'lost')) != (s.closed_at IS NOT NULL)"), ==, 0);
  g_assert_cmpint (raw_int (f->path, "PRAGMA foreign_key_check"), ==, -1);
}

static void
test_delete_stage_with_sales (Fixture       *f,
                              gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *before = NULL;
  gint64 product, other, client, stages[12], sales[3], task;
  gint64 now = g_get_real_time () / G_USEC_PER_SEC;
  g_autofree char *reason = NULL;

  product = scim_store_add_product (f->store, "Консалтинг", NULL, 0, 0, SCIM_FUNNEL_TEMPLATE, 0, &error);
  g_assert_no_error (error);
  other = scim_store_add_product (f->store, "Аудит", NULL, 0, 0, SCIM_FUNNEL_EMPTY, 0, &error);
  g_assert_no_error (error);
  for (int i = 0; i < 12; i++)
    stages[i] = stage_at (f, product, i);
  client = add_client_raw (f, "ООО «Ромашка»", f->ivan);

  /* Two sales at "Interest found" (2), one that passed through it to 4. */
  {
    gint64 path[] = { stages[0], stages[1], stages[2], stages[3], stages[4] };
    sales[0] = add_sale (f, client, product, path, 3, f->ivan);
    sales[1] = add_sale (f, client, product, path, 3, f->petr);
    sales[2] = add_sale (f, client, product, path, 5, f->ivan);
  }
  {
    g_autofree char *sql = g_strdup_printf ("INSERT INTO tasks (sale_id, title, owner_id, target_stage_id, created_at) "
                                            "VALUES (%" G_GINT64_FORMAT ", 'Встреча', %" G_GINT64_FORMAT ", %"
                                            G_GINT64_FORMAT ", 1700000000)", sales[0], f->ivan, stages[2]);
    task = raw_exec (f->path, sql);
  }
  assert_history_consistent (f);
  g_assert_cmpint (scim_store_count_stage_sales (f->store, stages[2], &error), ==, 2);

  /* Where do the sales go?  Asked, not guessed. */
  before = digest (f->path);
  g_assert_false (scim_store_delete_stage (f->store, stages[2], 0, &error));
  g_assert_true (g_str_has_prefix (error->message, "Move sales to:"));
  g_assert_nonnull (strstr (error->message, "2 sales"));
  assert_refused (f, before, error, SCIM_STORE_ERROR_INVALID);
  g_assert_false (scim_store_delete_stage (f->store, stages[2], stages[2], &error));
  assert_refused (f, before, error, SCIM_STORE_ERROR_INVALID);
  g_assert_false (scim_store_delete_stage (f->store, stages[2], stage_at (f, other, 0), &error));
  assert_refused (f, before, error, SCIM_STORE_ERROR_INVALID);
  g_assert_false (scim_store_delete_stage (f->store, stages[2], 99999, &error));
  g_assert_nonnull (error);
  g_clear_error (&error);
  assert_same_digest (f->path, before);

  g_assert_true (scim_store_delete_stage (f->store, stages[2], stages[3], &error));
  g_assert_no_error (error);

  /* The moves are in the stage history, with who, when and why. */
  reason = raw_text (f->path, "SELECT group_concat(DISTINCT reason) FROM stage_changes WHERE reason IS NOT NULL");
  g_assert_cmpstr (reason, ==, "Stage deleted");
  for (int i = 0; i < 2; i++)
    {
      g_autofree char *sql = g_strdup_printf ("SELECT count(*) FROM stage_changes WHERE sale_id = %" G_GINT64_FORMAT
                                              " AND from_stage_id IS NULL AND from_stage_name = 'Interest found' "
                                              "AND to_stage_id = %" G_GINT64_FORMAT " AND user_id = %" G_GINT64_FORMAT
                                              " AND at >= %" G_GINT64_FORMAT " AND reason = 'Stage deleted'",
                                              sales[i], stages[3], f->admin, now);
      g_assert_cmpint (raw_int (f->path, sql), ==, 1);
      g_free (sql);
      sql = g_strdup_printf ("SELECT count(*) FROM sales WHERE id = %" G_GINT64_FORMAT " AND stage_id = %"
                             G_GINT64_FORMAT " AND stage_entered_at >= %" G_GINT64_FORMAT " AND version = 2",
                             sales[i], stages[3], now);
      g_assert_cmpint (raw_int (f->path, sql), ==, 1);
      g_assert_cmpint (change_count (f, "sales", sales[i], "update"), ==, 1);
    }
  /* The sale that only passed through keeps its history, with the name. */
  g_assert_cmpint (raw_intf (f->path, "SELECT count(*) FROM stage_changes WHERE sale_id = %" G_GINT64_FORMAT
                             " AND to_stage_id IS NULL AND to_stage_name = 'Interest found'", sales[2]), ==, 1);
  g_assert_cmpint (raw_int (f->path, "SELECT count(*) FROM stage_changes"), ==, 3 + 3 + 5 + 2);
  g_assert_cmpint (raw_int (f->path, "SELECT count(*) FROM stage_intervals WHERE stage_id IS NULL OR stage_id NOT IN "
                                     "(SELECT id FROM stages)"), ==, 0);
  g_assert_cmpint (raw_int (f->path, "SELECT count(*) FROM sales WHERE stage_id = 0"), ==, 0);
  assert_history_consistent (f);

  /* The task's target is gone (and the task says it changed); the
   * stages close ranks. */
  g_assert_cmpint (raw_intf (f->path, "SELECT count(*) FROM tasks WHERE id = %" G_GINT64_FORMAT
                             " AND target_stage_id IS NULL AND version = 2", task), ==, 1);
  g_assert_cmpint (change_count (f, "tasks", task, "update"), ==, 1);
  g_assert_cmpint (change_count (f, "stages", stages[2], "delete"), ==, 1);
  g_assert_cmpint (raw_int (f->path, "SELECT count(*) FROM stages WHERE product_id = 1"), ==, 11);
  g_assert_cmpint (stage_at (f, product, 2), ==, stages[3]);

  /* Into a won stage: the sales are closed, and reopened when moved on. */
  g_assert_true (scim_store_delete_stage (f->store, stages[3], stages[7], &error));
  g_assert_no_error (error);
  g_assert_cmpint (raw_int (f->path, "SELECT count(*) FROM sales WHERE closed_at IS NOT NULL"), ==, 2);
  assert_history_consistent (f);
  {
    ScimStageFields fields = { .name = "Refused", .kind = "lost" };
    g_assert_true (scim_store_delete_stage (f->store, stages[7], stages[11], &error));
    g_assert_no_error (error);
    g_assert_cmpint (raw_int (f->path, "SELECT count(*) FROM sales WHERE lost_reason IS NOT NULL"), ==, 2);
    assert_history_consistent (f);
    /* A kind change carries the stage's sales along. */
    fields.kind = "paused";
    g_assert_true (scim_store_update_stage (f->store, stages[11], version_of (f, "stages", stages[11]), &fields, &error));
    g_assert_no_error (error);
    g_assert_cmpint (raw_int (f->path, "SELECT count(*) FROM sales WHERE closed_at IS NULL AND lost_reason IS NULL"), ==, 3);
    assert_history_consistent (f);
  }
}

/* Funnel import */

static const char good_funnel[] =
  "# The audit funnel\n"
  "\n"
  "Знакомство;open;10;14\n"
  "  Презентация ; open ; 30% ; 7  \n"
  "Договор;won;90\n"
  "Оплата;WON;100;none\n"
  "Отказ;lost\n"
  "Пауза;paused;0;60\n";

static void
test_import (Fixture       *f,
             gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *before = NULL;
  gint64 product = 0, again = 0, client, presentation, sale;
  g_autofree char *kept_stage_sql = NULL;

  g_assert_true (scim_store_import_funnel (f->store, "Аудит", good_funnel, &product, &error));
  g_assert_no_error (error);
  g_assert_cmpint (product, >, 0);
  assert_stages (f, product, "Знакомство:open | Презентация:open | Договор:won | Оплата:won | Отказ:lost | Пауза:paused");
  g_assert_cmpint (raw_int (f->path, "SELECT probability FROM stages WHERE name = 'Презентация'"), ==, 30);
  g_assert_cmpint (raw_int (f->path, "SELECT stuck_days FROM stages WHERE name = 'Презентация'"), ==, 7);
  g_assert_cmpint (raw_int (f->path, "SELECT count(*) FROM stages WHERE name IN ('Оплата', 'Отказ', 'Договор') "
                                     "AND stuck_days IS NULL"), ==, 3);
  g_assert_cmpint (raw_int (f->path, "SELECT probability FROM stages WHERE name = 'Отказ'"), ==, 0);
  g_assert_cmpint (change_count (f, "products", product, "insert"), ==, 1);

  /* A sale at "Презентация" keeps its stage through a re-import that
   * renames (case), changes, reorders, adds and drops stages. */
  presentation = stage_at (f, product, 1);
  client = add_client_raw (f, "ООО «Ромашка»", f->ivan);
  {
    gint64 path[] = { stage_at (f, product, 0), presentation };
    sale = add_sale (f, client, product, path, 2, f->ivan);
  }
  g_assert_true (scim_store_import_funnel (f->store, "аудит",
                                           "\xEF\xBB\xBF" "ПРЕЗЕНТАЦИЯ;open;35;10\r\n"
                                           "Знакомство\r\n"
                                           "КП отправлено;open;50\r\n"
                                           "Договор;won;95\r\n"
                                           "Отказ;lost\r\n",
                                           &again, &error));
  g_assert_no_error (error);
  g_assert_cmpint (again, ==, product);
  assert_stages (f, product, "ПРЕЗЕНТАЦИЯ:open | Знакомство:open | КП отправлено:open | Договор:won | Отказ:lost");
  g_assert_cmpint (stage_at (f, product, 0), ==, presentation);
  kept_stage_sql = g_strdup_printf ("SELECT stage_id FROM sales WHERE id = %" G_GINT64_FORMAT, sale);
  g_assert_cmpint (raw_int (f->path, kept_stage_sql), ==, presentation);
  g_assert_cmpint (raw_int (f->path, "SELECT probability FROM stages WHERE name = 'ПРЕЗЕНТАЦИЯ'"), ==, 35);
  g_assert_cmpint (raw_int (f->path, "SELECT probability FROM stages WHERE name = 'Знакомство'"), ==, 0);
  g_assert_cmpint (raw_int (f->path, "SELECT count(*) FROM products"), ==, 1);
  g_assert_cmpint (raw_int (f->path, "SELECT count(*) FROM change_log WHERE entity = 'stages' AND action = 'delete'"), ==, 2);
  assert_history_consistent (f);

  /* Every kind of bad line is named by its number, all at once; nothing
   * is written. */
  before = digest (f->path);
  g_assert_false (scim_store_import_funnel (f->store, "Аудит",
                                            "# bad\n"
                                            "Знакомство;opne\n"
                                            "Презентация;open;101\n"
                                            "Договор;won;x\n"
                                            "Оплата;won;100;-5\n"
                                            "Отказ;lost;0;0;лишнее\n"
                                            ";open\n"
                                            "знакомство;open\n"
                                            "Пауза;paused;\xff\xfe\n",
                                            NULL, &error));
  g_assert_nonnull (error);
  for (int line = 2; line <= 9; line++)
    {
      g_autofree char *label = g_strdup_printf ("Line %d:", line);
      g_assert_nonnull (strstr (error->message, label));
    }
  g_assert_null (strstr (error->message, "Line 1:"));
  g_assert_true (g_str_has_prefix (error->message, "Line 2:"));
  g_assert_nonnull (strstr (error->message, "already on line 2"));
  assert_refused (f, before, error, SCIM_STORE_ERROR_INVALID);

  /* Funnel-wide rules. */
  g_assert_false (scim_store_import_funnel (f->store, "Аудит", "Старт;open\nОтказ;lost\n", NULL, &error));
  g_assert_nonnull (strstr (error->message, "won stage"));
  assert_refused (f, before, error, SCIM_STORE_ERROR_INVALID);
  g_assert_false (scim_store_import_funnel (f->store, "Аудит", "Договор;won\n", NULL, &error));
  g_assert_nonnull (strstr (error->message, "open stage"));
  assert_refused (f, before, error, SCIM_STORE_ERROR_INVALID);
  g_assert_false (scim_store_import_funnel (f->store, "Новый", "\xEF\xBB\xBF# nothing\r\n\r\n", NULL, &error));
  assert_refused (f, before, error, SCIM_STORE_ERROR_INVALID);

  /* A stage left out while sales are at it refuses the whole file. */
  g_assert_false (scim_store_import_funnel (f->store, "Аудит", "Знакомство\nНовая;open\nДоговор;won\n", NULL, &error));
  g_assert_nonnull (strstr (error->message, "“ПРЕЗЕНТАЦИЯ”"));
  g_assert_nonnull (strstr (error->message, "1 sale"));
  assert_refused (f, before, error, SCIM_STORE_ERROR_INVALID);

  /* Admins only. */
  for (guint i = 0; i < 2; i++)
    {
      sign_in (f, i == 0 ? "ivan" : "head");
      g_assert_false (scim_store_import_funnel (f->store, "Аудит", good_funnel, NULL, &error));
      assert_refused (f, before, error, SCIM_STORE_ERROR_PERMISSION);
      g_assert_false (scim_store_import_funnel (f->store, "Новый", good_funnel, NULL, &error));
      assert_refused (f, before, error, SCIM_STORE_ERROR_PERMISSION);
    }
}

/* Users */

static void
test_users (Fixture       *f,
            gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *before = NULL;
  g_autofree char *hash = NULL;
  gint64 second;

  /* The last active admin can be neither demoted nor switched off. */
  before = digest (f->path);
  g_assert_false (scim_store_set_user_role (f->store, f->admin, SCIM_ROLE_HEAD, &error));
  g_assert_true (g_str_has_prefix (error->message, "Role:"));
  g_assert_nonnull (strstr (error->message, "last administrator"));
  assert_refused (f, before, error, SCIM_STORE_ERROR_INVALID);
  g_assert_false (scim_store_set_user_flags (f->store, f->admin, FALSE, TRUE, &error));
  g_assert_nonnull (strstr (error->message, "last administrator"));
  assert_refused (f, before, error, SCIM_STORE_ERROR_INVALID);
  g_assert_false (scim_store_set_user_role (f->store, f->ivan, (ScimRole) 7, &error));
  g_assert_true (g_str_has_prefix (error->message, "Role:"));
  assert_refused (f, before, error, SCIM_STORE_ERROR_INVALID);
  g_assert_false (scim_store_set_user_role (f->store, 999, SCIM_ROLE_HEAD, &error));
  assert_refused (f, before, error, SCIM_STORE_ERROR_NOT_FOUND);

  /* Promoting: heads and admins accept leads. */
  g_assert_true (scim_store_set_user_role (f->store, f->ivan, SCIM_ROLE_HEAD, &error));
  g_assert_no_error (error);
  g_assert_cmpint (raw_intf (f->path, "SELECT may_accept FROM users WHERE id = %" G_GINT64_FORMAT, f->ivan), ==, 1);
  g_assert_cmpint (change_count (f, "users", f->ivan, "update"), ==, 1);
  g_assert_true (scim_store_set_user_flags (f->store, f->ivan, TRUE, FALSE, &error));
  g_assert_cmpint (raw_intf (f->path, "SELECT may_accept FROM users WHERE id = %" G_GINT64_FORMAT, f->ivan), ==, 1);
  g_assert_true (scim_store_set_user_role (f->store, f->ivan, SCIM_ROLE_SALES, &error));
  g_assert_true (scim_store_set_user_flags (f->store, f->ivan, TRUE, FALSE, &error));
  g_assert_no_error (error);
  g_assert_cmpint (raw_intf (f->path, "SELECT may_accept FROM users WHERE id = %" G_GINT64_FORMAT, f->ivan), ==, 0);
  g_assert_true (scim_store_set_user_flags (f->store, f->petr, TRUE, TRUE, &error));
  g_assert_cmpint (raw_intf (f->path, "SELECT may_accept FROM users WHERE id = %" G_GINT64_FORMAT, f->petr), ==, 1);

  /* A switched-off user cannot sign in, nor write with an old session. */
  g_assert_true (scim_store_set_user_flags (f->store, f->petr, FALSE, TRUE, &error));
  g_assert_no_error (error);
  {
    g_autoptr(ScimUser) user = scim_store_sign_in (f->store, "petr", NULL, &error);
    g_assert_null (user);
    g_assert_error (error, SCIM_STORE_ERROR, SCIM_STORE_ERROR_PERMISSION);
    g_clear_error (&error);
  }

  /* With a second admin, the first may step down, and a switched-off
   * admin does not count. */
  second = f->head;
  g_assert_true (scim_store_set_user_role (f->store, second, SCIM_ROLE_ADMIN, &error));
  g_assert_true (scim_store_set_user_flags (f->store, second, FALSE, TRUE, &error));
  g_assert_false (scim_store_set_user_role (f->store, f->admin, SCIM_ROLE_SALES, &error));
  g_assert_error (error, SCIM_STORE_ERROR, SCIM_STORE_ERROR_INVALID);
  g_clear_error (&error);
  g_assert_true (scim_store_set_user_flags (f->store, second, TRUE, TRUE, &error));
  g_assert_true (scim_store_set_user_role (f->store, f->admin, SCIM_ROLE_SALES, &error));
  g_assert_no_error (error);
  /* Now a salesperson: the store knows at once. */
  g_assert_cmpint (scim_store_get_user_role (f->store), ==, SCIM_ROLE_SALES);
  g_assert_false (scim_store_set_user_role (f->store, f->admin, SCIM_ROLE_ADMIN, &error));
  g_assert_error (error, SCIM_STORE_ERROR, SCIM_STORE_ERROR_PERMISSION);
  g_clear_error (&error);

  /* Role checks for every user write. */
  for (guint i = 0; i < 2; i++)
    {
      sign_in (f, i == 0 ? "ivan" : "admin");
      g_free (before);
      before = digest (f->path);
      g_assert_false (scim_store_set_user_role (f->store, f->ivan, SCIM_ROLE_ADMIN, &error));
      assert_refused (f, before, error, SCIM_STORE_ERROR_PERMISSION);
      g_assert_false (scim_store_set_user_flags (f->store, f->ivan, TRUE, TRUE, &error));
      assert_refused (f, before, error, SCIM_STORE_ERROR_PERMISSION);
      g_assert_cmpint (scim_store_add_user (f->store, "new", NULL, NULL, SCIM_ROLE_SALES, FALSE, NULL, &error), ==, 0);
      assert_refused (f, before, error, SCIM_STORE_ERROR_PERMISSION);
      g_assert_false (scim_store_set_password (f->store, second, "пароль", &error));
      assert_refused (f, before, error, SCIM_STORE_ERROR_PERMISSION);
    }

  /* Passwords: a real KDF hash that verifies, never the password itself. */
  sign_in (f, "head");
  g_assert_true (scim_store_set_password (f->store, f->ivan, "Сложный пароль 42", &error));
  g_assert_no_error (error);
  {
    g_autofree char *sql = g_strdup_printf ("SELECT password_hash FROM users WHERE id = %" G_GINT64_FORMAT, f->ivan);
    hash = raw_text (f->path, sql);
  }
  g_assert_cmpstr (hash, !=, "Сложный пароль 42");
  g_assert_null (strstr (hash, "Сложный"));
  g_assert_true (scim_password_verify ("Сложный пароль 42", hash));
  g_assert_false (scim_password_verify ("сложный пароль 42", hash));
  {
    g_autoptr(ScimUser) user = scim_store_sign_in (f->store, "ivan", "wrong", &error);
    g_assert_null (user);
    g_assert_error (error, SCIM_STORE_ERROR, SCIM_STORE_ERROR_PERMISSION);
    g_clear_error (&error);
    user = scim_store_sign_in (f->store, "ivan", "Сложный пароль 42", &error);
    g_assert_no_error (error);
    g_assert_nonnull (user);
  }
}

int
main (int    argc,
      char **argv)
{
  g_autoptr(GError) error = NULL;
  int ret;

  g_test_init (&argc, &argv, NULL);
  g_unsetenv ("SCIM_FORCE_FSTYPE");
  tmpdir = g_dir_make_tmp ("scim-settings-XXXXXX", &error);
  g_assert_no_error (error);

#define ADD(path, func) g_test_add (path, Fixture, NULL, fixture_set_up, func, fixture_tear_down)
  ADD ("/settings/audiences", test_audiences);
  ADD ("/settings/clients/roles-and-rules", test_clients_roles);
  ADD ("/settings/clients/duplicates", test_duplicates);
  ADD ("/settings/contacts", test_contacts);
  ADD ("/settings/products", test_products);
  ADD ("/settings/stages/rules-and-reorder", test_stages);
  ADD ("/settings/stages/delete-with-sales", test_delete_stage_with_sales);
  ADD ("/settings/funnel/import", test_import);
  ADD ("/settings/users", test_users);
#undef ADD

  ret = g_test_run ();
  {
    g_autofree char *cmd = g_strdup_printf ("rm -rf '%s'", tmpdir);
    if (system (cmd) != 0)
      g_printerr ("could not remove %s\n", tmpdir);
  }
  return ret;
}
