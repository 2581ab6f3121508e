/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gstdio.h>
#include <sqlite3.h>

#include "scim-core.h"
#include "scim-csv.h"

/* The Leads core on real files: CSV import of every format sales teams
 * have, duplicates, all or nothing, bad files, role checks, acceptance and
 * rejection, the plan request and its trigger, export and back. */

static char *tmpdir;

typedef struct
{
  ScimStore *store;
  char      *path;
  gint64     admin;
  gint64     head;
  gint64     ivan;       /* a salesperson who may not accept */
  gint64     olga;       /* a salesperson who may accept */
  gint64     consulting; /* product "Консалтинг", the template funnel */
  gint64     audit;      /* product "Аудит" */
} Fixture;

/* Raw SQLite, to look at the file as it is */

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

static void
raw_exec (const char *path,
          const char *sql)
{
  sqlite3 *db = raw_open (path);
  char *err = NULL;

  sqlite3_exec (db, "PRAGMA foreign_keys = ON", NULL, NULL, NULL);
  if (sqlite3_exec (db, sql, NULL, NULL, &err) != SQLITE_OK)
    g_error ("raw_exec: %s: %s", sql, err);
  sqlite3_close (db);
}

/* The leads, clients, sales and change log as one string: equal means the
 * import wrote nothing. */
static char *
leads_checksum (const char *path)
{
  g_autofree char *text = raw_text (path,
                                    "SELECT (SELECT count(*) FROM leads) || '|' || "
                                    "(SELECT count(*) FROM change_log) || '|' || "
                                    "(SELECT count(*) FROM clients) || '|' || "
                                    "coalesce((SELECT group_concat(id || ':' || name || ':' || company || ':' || "
                                    "phone || ':' || email || ':' || tax_id || ':' || notes || ':' || received_at || "
                                    "':' || coalesce(owner_id, '') || ':' || coalesce(product_id, ''), ';') "
                                    "FROM (SELECT * FROM leads ORDER BY id)), '')");

  return g_compute_checksum_for_string (G_CHECKSUM_SHA256, text != NULL ? text : "", -1);
}

static gint64
lead_count (Fixture *f)
{
  return raw_int (f->path, "SELECT count(*) FROM leads");
}

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
  g_autofree char *name = g_strdup_printf ("leads-%d.db", ++n);

  f->path = g_build_filename (tmpdir, name, NULL);
  g_unlink (f->path);
  f->store = scim_store_open (f->path, SCIM_STORE_CREATE, &error);
  g_assert_no_error (error);
  f->admin = scim_store_add_user (f->store, "admin", "Анна Админова", NULL, SCIM_ROLE_ADMIN, TRUE, NULL, &error);
  g_assert_no_error (error);
  sign_in (f, "admin");
  f->head = scim_store_add_user (f->store, "head", "Игорь Начальников", NULL, SCIM_ROLE_HEAD, FALSE, NULL, &error);
  g_assert_no_error (error);
  f->ivan = scim_store_add_user (f->store, "ivan", "Иван Петров", NULL, SCIM_ROLE_SALES, FALSE, NULL, &error);
  g_assert_no_error (error);
  f->olga = scim_store_add_user (f->store, "olga", "Ольга Смирнова", NULL, SCIM_ROLE_SALES, TRUE, NULL, &error);
  g_assert_no_error (error);
  f->consulting = scim_store_add_template_product (f->store, "Консалтинг", &error);
  g_assert_no_error (error);
  f->audit = scim_store_add_template_product (f->store, "Аудит", &error);
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

static GFile *
write_file (const char *name,
            const char *contents,
            gssize      len)
{
  g_autofree char *path = g_build_filename (tmpdir, name, NULL);
  g_autoptr(GError) error = NULL;

  g_file_set_contents (path, contents, len, &error);
  g_assert_no_error (error);
  return g_file_new_for_path (path);
}

static ScimImportReport *
import (Fixture                 *f,
        const char              *contents,
        const ScimImportOptions *options,
        GError                 **error)
{
  g_autoptr(GFile) file = write_file ("import.csv", contents, -1);

  return scim_store_import_leads (f->store, file, options, NULL, NULL, NULL, error);
}

/* Imports that must succeed; returns the report. */
static ScimImportReport *
import_ok (Fixture                 *f,
           const char              *contents,
           const ScimImportOptions *options)
{
  g_autoptr(GError) error = NULL;
  ScimImportReport *report = import (f, contents, options, &error);

  g_assert_no_error (error);
  g_assert_nonnull (report);
  return report;
}

static gboolean
has_issue (GPtrArray  *issues,
           guint       line,
           const char *part)
{
  for (guint i = 0; i < issues->len; i++)
    {
      ScimImportIssue *issue = g_ptr_array_index (issues, i);

      if (issue->line == line && (part == NULL || strstr (issue->reason, part) != NULL))
        return TRUE;
    }
  return FALSE;
}

static gint64
local_time (int year, int month, int day, int hour, int minute)
{
  g_autoptr(GDateTime) dt = g_date_time_new_local (year, month, day, hour, minute, 0);

  return g_date_time_to_unix (dt);
}

/* Fields and headers */

static void
test_field_names (void)
{
  static const struct { const char *header; ScimLeadField field; } cases[] = {
    { "Имя", SCIM_LEAD_FIELD_NAME },
    { "ФИО", SCIM_LEAD_FIELD_NAME },
    { " Контактное лицо ", SCIM_LEAD_FIELD_NAME },
    { "Full name", SCIM_LEAD_FIELD_NAME },
    { "full_name", SCIM_LEAD_FIELD_NAME },
    { "CONTACT", SCIM_LEAD_FIELD_NAME },
    { "Компания", SCIM_LEAD_FIELD_COMPANY },
    { "Организация", SCIM_LEAD_FIELD_COMPANY },
    { "Organization", SCIM_LEAD_FIELD_COMPANY },
    { "Должность", SCIM_LEAD_FIELD_POSITION },
    { "Title", SCIM_LEAD_FIELD_POSITION },
    { "Тел.", SCIM_LEAD_FIELD_PHONE },
    { "Телефон 2", SCIM_LEAD_FIELD_PHONE },
    { "Mobile", SCIM_LEAD_FIELD_PHONE },
    { "E-mail", SCIM_LEAD_FIELD_EMAIL },
    { "Эл. почта", SCIM_LEAD_FIELD_EMAIL },
    { "Почта", SCIM_LEAD_FIELD_EMAIL },
    { "ИНН", SCIM_LEAD_FIELD_TAX_ID },
    { "Tax ID", SCIM_LEAD_FIELD_TAX_ID },
    { "VAT", SCIM_LEAD_FIELD_TAX_ID },
    { "Источник", SCIM_LEAD_FIELD_SOURCE },
    { "Канал", SCIM_LEAD_FIELD_CHANNEL },
    { "utm_source", SCIM_LEAD_FIELD_CHANNEL },
    { "Услуга", SCIM_LEAD_FIELD_PRODUCT },
    { "Interest", SCIM_LEAD_FIELD_PRODUCT },
    { "Примечание", SCIM_LEAD_FIELD_NOTES },
    { "Comment", SCIM_LEAD_FIELD_NOTES },
    { "Дата поступления", SCIM_LEAD_FIELD_RECEIVED },
    { "Создан", SCIM_LEAD_FIELD_RECEIVED },
    { "Created", SCIM_LEAD_FIELD_RECEIVED },
    { "Бюджет", SCIM_LEAD_FIELD_AMOUNT },
    { "Сумма", SCIM_LEAD_FIELD_AMOUNT },
    { "Ответственный", SCIM_LEAD_FIELD_OWNER },
    { "Salesperson", SCIM_LEAD_FIELD_OWNER },
    /* Our own export's headers come back. */
    { "Received", SCIM_LEAD_FIELD_RECEIVED },
    { "tax_id", SCIM_LEAD_FIELD_TAX_ID },
    /* Not clear enough, or not a lead's. */
    { "Дата рождения", SCIM_LEAD_FIELD_IGNORE },
    { "Рабочий e-mail", SCIM_LEAD_FIELD_EMAIL },
    { "Contact owner", SCIM_LEAD_FIELD_OWNER },
    { "Lead owner", SCIM_LEAD_FIELD_OWNER },
    { "Create Date", SCIM_LEAD_FIELD_RECEIVED },
    { "Person - Email", SCIM_LEAD_FIELD_EMAIL },
    /* The other CRM's own id and status are kept on the lead. */
    { "ID", SCIM_LEAD_FIELD_SOURCE_ID },
    { "Record ID", SCIM_LEAD_FIELD_SOURCE_ID },
    { "Статус", SCIM_LEAD_FIELD_SOURCE_STATUS },
    { "Стадия", SCIM_LEAD_FIELD_SOURCE_STATUS },
    { "Lead Status", SCIM_LEAD_FIELD_SOURCE_STATUS },
    { "State", SCIM_LEAD_FIELD_IGNORE },
    { "", SCIM_LEAD_FIELD_IGNORE },
    { "???", SCIM_LEAD_FIELD_IGNORE },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_test_message ("header “%s”", cases[i].header);
      g_assert_cmpint (scim_lead_field_guess (cases[i].header), ==, cases[i].field);
    }

  for (guint i = 0; i < SCIM_LEAD_N_FIELDS; i++)
    {
      ScimLeadField back;

      g_assert_true (scim_lead_field_from_string (scim_lead_field_to_string (i), &back));
      g_assert_cmpint (back, ==, i);
      g_assert_cmpstr (scim_lead_field_get_label (i), !=, "");
    }
  {
    ScimLeadField field;

    g_assert_true (scim_lead_field_from_string ("Tax-ID", &field));
    g_assert_cmpint (field, ==, SCIM_LEAD_FIELD_TAX_ID);
    g_assert_false (scim_lead_field_from_string ("colour", &field));
    g_assert_false (scim_lead_field_from_string (NULL, &field));
  }
}

/* Formats */

static void
test_preview (Fixture       *f,
              gconstpointer  data)
{
  g_autoptr(GFile) file = write_file ("preview.csv",
                                      "\xEF\xBB\xBFName;Phone;Что-то\r\nИван;+7 900 1;x\r\nОльга\r\n"
                                      "Пётр;3;y\r\n", -1);
  g_autoptr(GError) error = NULL;
  g_autoptr(ScimImportReport) report = scim_store_preview_leads (f->store, file, 2, NULL, &error);
  GStrv row;

  g_assert_no_error (error);
  g_assert_cmpstr (report->encoding, ==, "UTF-8");
  g_assert_cmpint (report->delimiter, ==, ';');
  g_assert_cmpuint (g_strv_length (report->header), ==, 3);
  g_assert_cmpstr (report->header[0], ==, "Name");
  g_assert_cmpuint (report->preview->len, ==, 2);
  row = g_ptr_array_index (report->preview, 1);
  /* A short row is padded to the header. */
  g_assert_cmpuint (g_strv_length (row), ==, 3);
  g_assert_cmpstr (row[0], ==, "Ольга");
  g_assert_cmpstr (row[2], ==, "");
  g_assert_cmpint (scim_lead_field_guess (report->header[2]), ==, SCIM_LEAD_FIELD_IGNORE);
}

static void
test_utf8_bom_comma_english (Fixture       *f,
                             gconstpointer  data)
{
  g_autoptr(ScimImportReport) report =
    import_ok (f,
               "\xEF\xBB\xBF" "Full name,Company,Title,Phone,Email,Tax ID,Source,Channel,Interest,Notes,Created,Budget,Owner\n"
               "John Smith,Acme,CEO,+1 555 123 4567,John@Acme.com,,Website,Google,Аудит,Call back,2026-11-27,\"1,500.00\",olga\n"
               "Jane Doe,,,,jane@example.com,,,,,,,,\n",
               NULL);

  g_assert_cmpuint (report->created, ==, 2);
  g_assert_cmpuint (report->rows, ==, 2);
  g_assert_cmpstr (report->encoding, ==, "UTF-8");
  g_assert_cmpint (report->delimiter, ==, ',');
  g_assert_cmpuint (report->refused->len, ==, 0);
  g_assert_cmpuint (report->duplicates->len, ==, 0);

  {
    g_autofree char *row = raw_text (f->path, "SELECT name || '|' || company || '|' || position || '|' || phone || '|' || "
                                              "email || '|' || source || '|' || channel || '|' || notes FROM leads "
                                              "WHERE name = 'John Smith'");
    g_autofree char *expected = NULL;
    g_autofree char *money = scim_format_money (150000);

    expected = g_strdup_printf ("John Smith|Acme|CEO|+1 555 123 4567|John@Acme.com|Website|Google|Call back\nAmount: %s",
                                money);
    g_assert_cmpstr (row, ==, expected);
  }
  g_assert_cmpint (raw_int (f->path, "SELECT product_id FROM leads WHERE name = 'John Smith'"), ==, f->audit);
  g_assert_cmpint (raw_int (f->path, "SELECT owner_id FROM leads WHERE name = 'John Smith'"), ==, f->olga);
  g_assert_cmpint (raw_int (f->path, "SELECT received_at FROM leads WHERE name = 'John Smith'"), ==,
                   local_time (2026, 11, 27, 0, 0));
  g_assert_cmpint (raw_int (f->path, "SELECT state = 'new' AND created_at > 0 FROM leads WHERE name = 'Jane Doe'"), ==, 1);
  /* One change-log entry for the whole import. */
  g_assert_cmpint (raw_int (f->path, "SELECT count(*) FROM change_log WHERE entity = 'leads'"), ==, 1);
  g_assert_cmpint (raw_int (f->path, "SELECT entity_id FROM change_log WHERE entity = 'leads'"), ==, 0);
}

static void
test_semicolon_russian (Fixture       *f,
                        gconstpointer  data)
{
  g_autoptr(ScimImportReport) report =
    import_ok (f,
               "ФИО;Организация;Телефон;Эл. почта;ИНН;Дата поступления;Сумма;Продукт;Ответственный;Примечание\n"
               "Пётр Сидоров;ООО «Ромашка»;+7 (495) 123-45-67;p@romashka.ru;7701234567;27.11.2026 14:30;150 000,00;"
               "консалтинг;Ольга Смирнова;Перезвонить\n",
               NULL);
  g_autofree char *notes = raw_text (f->path, "SELECT notes FROM leads");
  g_autofree char *money = scim_format_money (15000000);
  g_autofree char *expected = g_strdup_printf ("Перезвонить\nAmount: %s", money);

  g_assert_cmpuint (report->created, ==, 1);
  g_assert_cmpint (report->delimiter, ==, ';');
  g_assert_cmpint (raw_int (f->path, "SELECT received_at FROM leads"), ==, local_time (2026, 11, 27, 14, 30));
  g_assert_cmpstr (notes, ==, expected);
  /* The product in any case, the salesperson by full name. */
  g_assert_cmpint (raw_int (f->path, "SELECT product_id FROM leads"), ==, f->consulting);
  g_assert_cmpint (raw_int (f->path, "SELECT owner_id FROM leads"), ==, f->olga);
  g_assert_cmpint (raw_int (f->path, "SELECT tax_id = '7701234567' AND company = 'ООО «Ромашка»' FROM leads"), ==, 1);
}

static void
test_windows_1251_tab (Fixture       *f,
                       gconstpointer  data)
{
  const char *utf8 = "Имя\tКомпания\tТелефон\tКомментарий\r\n"
                     "Сергей Ёлкин\tЗАО «Ёлка»\t8 900 111-22-33\tЖдёт звонка\r\n"
                     "Мария\t\t\t\r\n";
  g_autoptr(GError) error = NULL;
  gsize len;
  g_autofree char *cp1251 = g_convert (utf8, -1, "WINDOWS-1251", "UTF-8", NULL, &len, &error);
  g_autoptr(GFile) file = NULL;
  g_autoptr(ScimImportReport) report = NULL;
  g_autofree char *name = NULL;

  g_assert_no_error (error);
  file = write_file ("cp1251.csv", cp1251, (gssize) len);
  report = scim_store_import_leads (f->store, file, NULL, NULL, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (report->encoding, ==, "WINDOWS-1251");
  g_assert_cmpint (report->delimiter, ==, '\t');
  g_assert_cmpuint (report->created, ==, 2);
  name = raw_text (f->path, "SELECT name || '|' || company || '|' || notes FROM leads ORDER BY id LIMIT 1");
  g_assert_cmpstr (name, ==, "Сергей Ёлкин|ЗАО «Ёлка»|Ждёт звонка");
}

static void
test_quoted_multiline_crlf (Fixture       *f,
                            gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(ScimImportReport) report = NULL;
  g_autofree char *notes = NULL;
  g_autofree char *name = NULL;

  /* Line 2 holds a record of three physical lines; the bad date is then on
   * line 5, and the report must say so. */
  report = import (f,
                   "Name,Company,Notes,Date\r\n"
                   "\"Smith, John\",\"Acme \"\"Best\"\" Ltd\",\"first line\r\nsecond line\r\nthird\",2026-11-27\r\n"
                   "\"Jane\r\nDoe\",,,\r\n"
                   "Bad Date,,,32.01.2026\r\n",
                   NULL, &error);
  g_assert_error (error, SCIM_STORE_ERROR, SCIM_STORE_ERROR_INVALID);
  g_assert_nonnull (report);
  g_assert_cmpuint (report->refused->len, ==, 1);
  g_assert_true (has_issue (report->refused, 7, "32.01.2026"));
  g_assert_cmpint (lead_count (f), ==, 0);
  g_clear_error (&error);
  g_clear_pointer (&report, scim_import_report_free);

  report = import_ok (f,
                      "Name,Company,Notes,Date\r\n"
                      "\"Smith, John\",\"Acme \"\"Best\"\" Ltd\",\"first line\r\nsecond line\r\nthird\",2026-11-27\r\n"
                      "\"Jane\r\nDoe\",,,\r\n",
                      NULL);
  g_assert_cmpuint (report->created, ==, 2);
  notes = raw_text (f->path, "SELECT company || '|' || notes FROM leads WHERE name = 'Smith, John'");
  g_assert_cmpstr (notes, ==, "Acme \"Best\" Ltd|first line\nsecond line\nthird");
  /* A line break in a one-line field is a space. */
  name = raw_text (f->path, "SELECT name FROM leads WHERE name LIKE 'Jane%'");
  g_assert_cmpstr (name, ==, "Jane Doe");
}

static void
test_mapping (Fixture       *f,
              gconstpointer  data)
{
  ScimLeadField mapping[] = { SCIM_LEAD_FIELD_NAME, SCIM_LEAD_FIELD_IGNORE, SCIM_LEAD_FIELD_EMAIL,
                              SCIM_LEAD_FIELD_NAME };
  ScimImportOptions options = { mapping, G_N_ELEMENTS (mapping), FALSE, FALSE, FALSE };
  g_autoptr(ScimImportReport) report = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *row = NULL;

  /* Headers that mean nothing to the guesser, mapped by hand; two columns
   * of one field are joined. */
  report = import_ok (f, "a;b;c;d\nИванов;secret;ivanov@x.ru;Иван\n", &options);
  g_assert_cmpuint (report->created, ==, 1);
  row = raw_text (f->path, "SELECT name || '|' || email || '|' || notes FROM leads");
  g_assert_cmpstr (row, ==, "Иванов Иван|ivanov@x.ru|");
  g_clear_pointer (&report, scim_import_report_free);

  /* A mapping for another file is refused. */
  options.n_columns = 3;
  report = import (f, "a;b;c;d\nx;y;z;w\n", &options, &error);
  g_assert_error (error, SCIM_STORE_ERROR, SCIM_STORE_ERROR_INVALID);
  g_assert_null (report);
  g_assert_cmpint (lead_count (f), ==, 1);
}

/* Duplicates */

static void
test_duplicates (Fixture       *f,
                 gconstpointer  data)
{
  ScimLeadFields lead = { .name = "Старый Лид", .phone = "+7 (900) 555-44-33", .email = "Old@Lead.ru" };
  ScimClientFields client = { .kind = "company", .name = "ООО «Вектор»", .tax_id = "7812345678",
                              .phones = "+7 812 765-43-21\n8 (800) 100-20-30", .emails = "office@vector.ru" };
  g_autoptr(GError) error = NULL;
  g_autoptr(ScimImportReport) report = NULL;
  gint64 lead_id, client_id;
  const char *file =
    "Name;Phone;Email;ИНН\n"
    "A;8 900 555 44 33;;\n"                 /* 2: phone of the lead, written otherwise: updates it */
    "B;;OLD@lead.ru ;\n"                    /* 3: e-mail of the lead: line 2's lead again */
    "C;;;78 1234 5678\n"                    /* 4: tax id of the client */
    "D;+7 800 100-20-30;;\n"                /* 5: the client's second phone */
    "E;;boss@vector.ru;\n"                  /* 6: a contact's e-mail */
    "F;+7 901 000-00-01;f@f.ru;\n"          /* 7: new */
    "G;;F@F.RU;\n"                          /* 8: line 7 of this file */
    "H;;h@h.ru;\n";                         /* 9: new */

  lead_id = scim_store_add_lead (f->store, &lead, &error);
  g_assert_no_error (error);
  client_id = scim_store_add_client (f->store, &client, &error);
  g_assert_no_error (error);
  scim_store_add_contact (f->store, client_id, "Босс", "", "", "boss@vector.ru", "decision_maker", &error);
  g_assert_no_error (error);

  report = import_ok (f, file, NULL);
  g_assert_cmpuint (report->created, ==, 2);
  /* A row with a lead's phone or e-mail is a newer version of that lead. */
  g_assert_cmpuint (report->matched, ==, 1);
  g_assert_cmpuint (report->updated, ==, 1);
  g_assert_cmpuint (report->unchanged, ==, 0);
  g_assert_cmpint (raw_int (f->path, "SELECT count(*) FROM leads WHERE id = 1 AND name = 'A' "
                                     "AND phone = '8 900 555 44 33' AND email = 'Old@Lead.ru' AND version = 2"), ==, 1);
  g_assert_cmpuint (report->duplicates->len, ==, 5);
  g_assert_true (has_issue (report->duplicates, 3, "line 2"));
  g_assert_true (has_issue (report->duplicates, 3, "same lead"));
  g_assert_true (has_issue (report->duplicates, 4, "client"));
  g_assert_true (has_issue (report->duplicates, 4, "tax ID"));
  g_assert_true (has_issue (report->duplicates, 5, "ООО «Вектор»"));
  g_assert_true (has_issue (report->duplicates, 6, "client"));
  g_assert_true (has_issue (report->duplicates, 8, "line 7"));
  g_assert_cmpint (raw_int (f->path, "SELECT count(*) FROM leads WHERE name IN ('F', 'H')"), ==, 2);
  (void) lead_id;
  g_clear_pointer (&report, scim_import_report_free);

  /* The same file again: now every row is known, and nothing changes. */
  report = import_ok (f, file, NULL);
  g_assert_cmpuint (report->created, ==, 0);
  g_assert_cmpuint (report->matched, ==, 3);
  g_assert_cmpuint (report->unchanged, ==, 3);
  g_assert_cmpuint (report->updated, ==, 0);
  g_assert_cmpuint (report->duplicates->len, ==, 5);
  g_assert_true (has_issue (report->duplicates, 8, "line 7"));
  g_assert_cmpint (raw_int (f->path, "SELECT max(version) FROM leads"), ==, 2);
  g_clear_pointer (&report, scim_import_report_free);

  /* Kept on request: every row becomes a lead. */
  {
    ScimImportOptions options = { .keep_duplicates = TRUE };

    report = import_ok (f, file, &options);
    g_assert_cmpuint (report->created, ==, 8);
    g_assert_cmpuint (report->duplicates->len, ==, 0);
    g_assert_cmpint (lead_count (f), ==, 1 + 2 + 8);
  }
}

/* Exports of other CRMs */

static ScimImportReport *
import_fixture (Fixture                 *f,
                const char              *name,
                const ScimImportOptions *options)
{
  g_autofree char *path = g_test_build_filename (G_TEST_DIST, "fixtures", "crm", name, NULL);
  g_autoptr(GFile) file = g_file_new_for_path (path);
  g_autoptr(GError) error = NULL;
  ScimImportReport *report = scim_store_import_leads (f->store, file, options, NULL, NULL, NULL, &error);

  g_assert_no_error (error);
  g_assert_nonnull (report);
  return report;
}

/* The rows of an unknown owner in the report; 0 when not listed. */
static guint
unknown_owner_rows (ScimImportReport *report,
                    const char       *name)
{
  for (guint i = 0; i < report->unknown_owners->len; i++)
    {
      const ScimImportOwner *owner = g_ptr_array_index (report->unknown_owners, i);

      if (g_str_equal (owner->name, name))
        return owner->rows;
    }
  return 0;
}

static gint64
count_search (Fixture      *f,
              ScimListKind  kind,
              const char   *text)
{
  g_autoptr(ScimQuery) query = scim_query_new (kind);
  g_autoptr(GError) error = NULL;
  g_autoptr(GArray) ids = NULL;

  query->search = g_strdup (text);
  ids = scim_store_query_ids (f->store, query, NULL, &error);
  g_assert_no_error (error);
  return ids->len;
}

static void
add_crm_users (Fixture *f,
               gint64  *anna,
               gint64  *semenov)
{
  g_autoptr(GError) error = NULL;

  *anna = scim_store_add_user (f->store, "anna", "Анна Иванова", "anna@firm.ru", SCIM_ROLE_SALES, FALSE, NULL,
                               &error);
  g_assert_no_error (error);
  *semenov = scim_store_add_user (f->store, "semenov", "Олег Семенов", "", SCIM_ROLE_SALES, FALSE, NULL, &error);
  g_assert_no_error (error);
  sign_in (f, "head");
}

/* Bitrix24: Windows-1251, semicolons, every cell quoted.  Owners written
 * surname first, one in capitals with "Ё" and two spaces; two who are no
 * users; one row without a name or a contact, one with a date that does
 * not exist. */
static void
test_crm_bitrix24 (Fixture       *f,
                   gconstpointer  data)
{
  g_autoptr(ScimImportReport) report = NULL;
  g_autofree char *before = NULL;
  g_autofree char *after = NULL;
  g_autofree char *row = NULL;
  gint64 anna, semenov;
  gint64 received;

  add_crm_users (f, &anna, &semenov);
  report = import_fixture (f, "bitrix24-leads.csv", &(ScimImportOptions) { .skip_bad = TRUE });
  g_assert_cmpstr (report->encoding, ==, "WINDOWS-1251");
  g_assert_cmpint (report->delimiter, ==, ';');
  g_assert_cmpuint (report->created, ==, 3);
  g_assert_cmpuint (report->refused->len, ==, 2);
  g_assert_true (has_issue (report->refused, 5, "No name, company, phone or e-mail"));
  g_assert_true (has_issue (report->refused, 6, "31.02.2026"));

  /* "Иванова Анна" is Анна Иванова; "СЕМЁНОВ  Олег" is Олег Семенов. */
  g_assert_cmpint (raw_int (f->path, "SELECT owner_id FROM leads WHERE source_id = '101'"), ==, anna);
  g_assert_cmpint (raw_int (f->path, "SELECT owner_id FROM leads WHERE source_id = '102'"), ==, semenov);
  /* Петров Пётр is no user: unassigned, in the incoming queue, his name kept.
   * Смирнов Сергей's only row was refused: not listed. */
  g_assert_cmpint (raw_int (f->path, "SELECT count(*) FROM leads WHERE source_id = '103' AND owner_id IS NULL "
                                     "AND state = 'new' AND source_owner = 'Петров Пётр'"), ==, 1);
  g_assert_cmpuint (report->unknown_owners->len, ==, 1);
  g_assert_cmpuint (unknown_owner_rows (report, "Петров Пётр"), ==, 1);

  /* The source's id, status and created date are kept. */
  row = raw_text (f->path, "SELECT name || '|' || company || '|' || source_status || '|' || position || '|' || notes "
                           "FROM leads WHERE source_id = '101'");
  g_assert_cmpstr (row, ==, "Пётр Сидоров|ООО «Альфа»|Новый|Директор|Просил перезвонить после обеда");
  g_assert_true (scim_csv_parse_date ("06.11.2026 10:15", &received));
  g_assert_cmpint (raw_int (f->path, "SELECT received_at FROM leads WHERE source_id = '101'"), ==, received);

  /* The same file again changes nothing. */
  g_clear_pointer (&report, scim_import_report_free);
  before = leads_checksum (f->path);
  report = import_fixture (f, "bitrix24-leads.csv", &(ScimImportOptions) { .skip_bad = TRUE });
  g_assert_cmpuint (report->created, ==, 0);
  g_assert_cmpuint (report->updated, ==, 0);
  g_assert_cmpuint (report->unchanged, ==, 3);
  g_assert_cmpuint (report->refused->len, ==, 2);
  after = leads_checksum (f->path);
  g_assert_cmpstr (before, ==, after);

  /* Search folds Cyrillic case and ё/е, as it folds Latin. */
  g_assert_cmpint (count_search (f, SCIM_LIST_LEADS, "сидоров"), ==, 1);
  g_assert_cmpint (count_search (f, SCIM_LIST_LEADS, "СИДОРОВ"), ==, 1);
  g_assert_cmpint (count_search (f, SCIM_LIST_LEADS, "петр"), ==, 1);
  g_assert_cmpint (count_search (f, SCIM_LIST_LEADS, "елкина"), ==, 1);
  g_assert_cmpint (count_search (f, SCIM_LIST_LEADS, "ЁЛКИНА"), ==, 1);
  g_assert_cmpint (count_search (f, SCIM_LIST_LEADS, "альфа"), ==, 1);
  g_assert_cmpint (count_search (f, SCIM_LIST_LEADS, "ALFA.RU"), ==, 1);
  g_assert_cmpint (count_search (f, SCIM_LIST_LEADS, "ромашка"), ==, 0);

  /* And in the companies, the sales and the sales book: accepting the
   * lead makes the client «Альфа» and a sale; the book gets a call. */
  {
    g_autoptr(GError) error = NULL;
    gint64 lead_id = raw_int (f->path, "SELECT id FROM leads WHERE source_id = '101'");
    gint64 sale_id;
    ScimEventFields event = { 0, "call", "Звонок Сидорову", "Обсудили ЁМКОСТЬ рынка", 0 };

    g_assert_true (scim_store_accept_lead (f->store, lead_id, 0, &f->consulting, 1, anna, &error));
    g_assert_no_error (error);
    sale_id = raw_int (f->path, "SELECT id FROM sales WHERE lead_id = (SELECT id FROM leads WHERE source_id = '101')");
    g_assert_cmpint (sale_id, >, 0);
    event.sale_id = sale_id;
    g_assert_cmpint (scim_store_add_event (f->store, &event, 0, &error), >, 0);
    g_assert_no_error (error);

    g_assert_cmpint (count_search (f, SCIM_LIST_CLIENTS, "альфа"), ==, 1);
    g_assert_cmpint (count_search (f, SCIM_LIST_CLIENTS, "АЛЬФА"), ==, 1);
    g_assert_cmpint (count_search (f, SCIM_LIST_SALES, "ооо «альфа»"), ==, 1);
    g_assert_cmpint (count_search (f, SCIM_LIST_EVENTS, "сидорову"), ==, 1);
    g_assert_cmpint (count_search (f, SCIM_LIST_EVENTS, "емкость"), ==, 1);
    g_assert_cmpint (count_search (f, SCIM_LIST_EVENTS, "бета"), ==, 0);
  }
}

/* amoCRM: UTF-8 with a byte order mark; one owner who is no user, on two
 * rows written two ways; settled by an owner map on the next import. */
static void
test_crm_amocrm (Fixture       *f,
                 gconstpointer  data)
{
  g_autoptr(ScimImportReport) report = NULL;
  g_autoptr(GHashTable) map = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  gint64 anna, semenov;

  add_crm_users (f, &anna, &semenov);
  report = import_fixture (f, "amocrm-deals.csv", NULL);
  g_assert_cmpuint (report->created, ==, 3);
  g_assert_cmpuint (report->refused->len, ==, 0);
  g_assert_cmpuint (report->unknown_owners->len, ==, 1);
  g_assert_cmpuint (unknown_owner_rows (report, "Кузнецова Мария"), ==, 2);
  g_assert_cmpint (raw_int (f->path, "SELECT owner_id FROM leads WHERE source_id = '5001'"), ==, anna);
  g_assert_cmpint (raw_int (f->path, "SELECT count(*) FROM leads WHERE owner_id IS NULL AND source_status != ''"), ==, 2);
  g_assert_cmpint (raw_int (f->path, "SELECT count(*) FROM leads WHERE source_id = '5003' AND name = 'Глеб Орлов' "
                                     "AND company = 'ООО «Дельта»' AND source_status = 'Принимают решение' "
                                     "AND notes LIKE '%75%500,5%'"), ==, 1);
  g_clear_pointer (&report, scim_import_report_free);

  /* The head settles her: "Мария Кузнецова" is olga, in either name order. */
  g_hash_table_insert (map, scim_fold_name ("Мария Кузнецова"), g_memdup2 (&f->olga, sizeof f->olga));
  report = import_fixture (f, "amocrm-deals.csv", &(ScimImportOptions) { .owner_map = map });
  g_assert_cmpuint (report->created, ==, 0);
  g_assert_cmpuint (report->updated, ==, 2);
  g_assert_cmpuint (report->unchanged, ==, 1);
  g_assert_cmpuint (report->unknown_owners->len, ==, 0);
  g_assert_cmpint (raw_int (f->path, "SELECT count(*) FROM leads WHERE owner_id = (SELECT id FROM users "
                                     "WHERE login = 'olga')"), ==, 2);
}

/* Pipedrive: owners nobody here knows; a default owner takes them. */
static void
test_crm_pipedrive (Fixture       *f,
                    gconstpointer  data)
{
  g_autoptr(ScimImportReport) dry = NULL;
  g_autoptr(ScimImportReport) report = NULL;
  g_autofree char *before = leads_checksum (f->path);
  g_autofree char *after = NULL;
  gint64 anna, semenov;

  add_crm_users (f, &anna, &semenov);
  g_free (before);
  before = leads_checksum (f->path);
  /* The dry run names the unknown owners before anything is written. */
  dry = import_fixture (f, "pipedrive-leads.csv", &(ScimImportOptions) { .dry_run = TRUE });
  g_assert_cmpuint (dry->created, ==, 3);
  g_assert_cmpuint (dry->unknown_owners->len, ==, 2);
  g_assert_cmpuint (unknown_owner_rows (dry, "John Smith"), ==, 2);
  g_assert_cmpuint (unknown_owner_rows (dry, "Anna Ivanova"), ==, 1);
  after = leads_checksum (f->path);
  g_assert_cmpstr (before, ==, after);

  report = import_fixture (f, "pipedrive-leads.csv", &(ScimImportOptions) { .owner_default = semenov });
  g_assert_cmpuint (report->created, ==, 3);
  g_assert_cmpuint (report->unknown_owners->len, ==, 0);
  g_assert_cmpint (raw_int (f->path, "SELECT count(*) FROM leads WHERE owner_id = (SELECT id FROM users "
                                     "WHERE login = 'semenov') AND source_owner IN ('John Smith', 'Anna Ivanova')"),
                   ==, 3);
  g_assert_cmpint (raw_int (f->path, "SELECT count(*) FROM leads WHERE source_id = 'a1b2-01' AND name = 'Emma Brown' "
                                     "AND company = 'Brown & Co' AND source = 'Web forms'"), ==, 1);
}

/* HubSpot: an owner given by e-mail, in another case; then a newer export
 * of the same contacts updates them by their record id. */
static void
test_crm_hubspot (Fixture       *f,
                  gconstpointer  data)
{
  g_autoptr(ScimImportReport) report = NULL;
  gint64 anna, semenov;

  add_crm_users (f, &anna, &semenov);
  report = import_fixture (f, "hubspot-contacts.csv", NULL);
  g_assert_cmpuint (report->created, ==, 3);
  g_assert_cmpint (raw_int (f->path, "SELECT count(*) FROM leads WHERE owner_id = (SELECT id FROM users "
                                     "WHERE login = 'anna')"), ==, 2);
  g_assert_cmpuint (report->unknown_owners->len, ==, 1);
  g_assert_cmpuint (unknown_owner_rows (report, "Tom Baker"), ==, 1);
  /* Two status columns: the first one that says something. */
  g_assert_cmpint (raw_int (f->path, "SELECT count(*) FROM leads WHERE source_id = '90001' AND source_status = 'NEW' "
                                     "AND name = 'Olivia Turner'"), ==, 1);
  g_clear_pointer (&report, scim_import_report_free);

  report = import_fixture (f, "hubspot-contacts-newer.csv", NULL);
  g_assert_cmpuint (report->created, ==, 1);
  g_assert_cmpuint (report->updated, ==, 2);
  g_assert_cmpuint (report->unchanged, ==, 1);
  g_assert_cmpuint (report->duplicates->len, ==, 0);
  g_assert_cmpint (raw_int (f->path, "SELECT count(*) FROM leads"), ==, 4);
  g_assert_cmpint (raw_int (f->path, "SELECT count(*) FROM leads WHERE source_id = '90001' "
                                     "AND source_status = 'CONNECTED' AND phone = '+1 617 555 0199'"), ==, 1);
  /* A new e-mail, found by the record id. */
  g_assert_cmpint (raw_int (f->path, "SELECT count(*) FROM leads WHERE source_id = '90002' "
                                     "AND email = 'noah.parker@parker.com'"), ==, 1);
}

/* Likely duplicates and merging */

static void
test_merge (Fixture       *f,
            gconstpointer  data)
{
  ScimLeadFields a = { .name = "Иван Кузнецов", .phone = "+7 900 123-45-67", .notes = "первый",
                       .received_at = 1800000000 };
  ScimLeadFields b = { .company = "ООО Кузнецов", .phone = "8 (900) 123 45 67", .email = "ik@k.ru",
                       .notes = "второй", .received_at = 1790000000 };
  ScimLeadFields c = { .name = "Ещё один", .email = "IK@K.RU ", .received_at = 1795000000 };
  ScimLeadFields other = { .name = "Посторонний", .phone = "+7 900 765-43-21", .received_at = 1795000000 };
  g_autoptr(GError) error = NULL;
  g_autoptr(GListModel) dups = NULL;
  g_autoptr(ScimQuery) query = scim_query_new (SCIM_LIST_LEADS);
  g_autoptr(GListModel) list = NULL;
  g_autoptr(GPtrArray) history = NULL;
  gint64 id_a, id_b, id_c, id_other;
  g_autofree char *sql = NULL;
  g_autofree char *row = NULL;

  sign_in (f, "head");
  id_a = scim_store_add_lead (f->store, &a, &error);
  g_assert_no_error (error);
  id_b = scim_store_add_lead (f->store, &b, &error);
  g_assert_no_error (error);
  id_c = scim_store_add_lead (f->store, &c, &error);
  g_assert_no_error (error);
  id_other = scim_store_add_lead (f->store, &other, &error);
  g_assert_no_error (error);

  /* A and B share a phone written two ways; B and C an e-mail in two cases. */
  dups = scim_store_find_duplicate_leads (f->store, id_a, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (g_list_model_get_n_items (dups), ==, 1);
  {
    g_autoptr(ScimRecord) dup = g_list_model_get_item (dups, 0);

    g_assert_cmpint (scim_record_get_id (dup), ==, id_b);
  }
  g_clear_object (&dups);
  dups = scim_store_find_duplicate_leads (f->store, id_b, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (g_list_model_get_n_items (dups), ==, 2);
  g_clear_object (&dups);
  dups = scim_store_find_duplicate_leads (f->store, id_other, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (g_list_model_get_n_items (dups), ==, 0);
  g_clear_object (&dups);

  /* The Leads table counts them. */
  list = scim_store_list (f->store, query, &error);
  g_assert_no_error (error);
  for (guint i = 0; i < g_list_model_get_n_items (list); i++)
    {
      g_autoptr(ScimRecord) lead = g_list_model_get_item (list, i);
      gint64 id = scim_record_get_id (lead);
      gint64 expected = id == id_a ? 1 : id == id_b ? 2 : id == id_c ? 1 : 0;

      g_assert_cmpint (scim_record_get_int (lead, "duplicates"), ==, expected);
    }

  /* B went further: accepted, with a sale for ivan. */
  g_assert_true (scim_store_accept_lead (f->store, id_b, 0, &f->consulting, 1, f->ivan, &error));
  g_assert_no_error (error);

  /* A salesperson who may not accept leads may not merge them. */
  sign_in (f, "ivan");
  g_assert_false (scim_store_merge_leads (f->store, id_a, id_b, &error));
  g_assert_error (error, SCIM_STORE_ERROR, SCIM_STORE_ERROR_PERMISSION);
  g_clear_error (&error);
  sign_in (f, "head");
  g_assert_false (scim_store_merge_leads (f->store, id_a, id_a, &error));
  g_assert_error (error, SCIM_STORE_ERROR, SCIM_STORE_ERROR_INVALID);
  g_clear_error (&error);

  g_assert_true (scim_store_merge_leads (f->store, id_a, id_b, &error));
  g_assert_no_error (error);
  sql = g_strdup_printf ("SELECT name || '|' || company || '|' || phone || '|' || email || '|' || notes || '|' || "
                         "received_at || '|' || state || '|' || (client_id IS NOT NULL) "
                         "FROM leads WHERE id = %" G_GINT64_FORMAT, id_a);
  row = raw_text (f->path, sql);
  g_assert_cmpstr (row, ==, "Иван Кузнецов|ООО Кузнецов|+7 900 123-45-67|ik@k.ru|первый\n\nвторой|1790000000|"
                            "accepted|1");
  g_clear_pointer (&sql, g_free);
  sql = g_strdup_printf ("SELECT count(*) FROM leads WHERE id = %" G_GINT64_FORMAT " AND owner_id = %" G_GINT64_FORMAT,
                         id_a, f->ivan);
  g_assert_cmpint (raw_int (f->path, sql), ==, 1);
  g_clear_pointer (&sql, g_free);
  sql = g_strdup_printf ("SELECT count(*) FROM leads WHERE id = %" G_GINT64_FORMAT, id_b);
  g_assert_cmpint (raw_int (f->path, sql), ==, 0);
  /* B's sale and plan request are A's now; its history too. */
  g_clear_pointer (&sql, g_free);
  sql = g_strdup_printf ("SELECT (SELECT count(*) FROM sales WHERE lead_id = %1$" G_GINT64_FORMAT ") || '|' || "
                         "(SELECT count(*) FROM plan_requests WHERE lead_id = %1$" G_GINT64_FORMAT ")", id_a);
  g_clear_pointer (&row, g_free);
  row = raw_text (f->path, sql);
  g_assert_cmpstr (row, ==, "1|1");
  history = scim_store_lead_history (f->store, id_a, &error);
  g_assert_no_error (error);
  {
    guint created = 0, sales = 0;

    for (guint i = 0; i < history->len; i++)
      {
        ScimHistoryEntry *entry = g_ptr_array_index (history, i);

        created += g_str_equal (entry->what, "Card created");
        sales += g_str_has_prefix (entry->what, "Sale of");
      }
    g_assert_cmpuint (created, ==, 2);
    g_assert_cmpuint (sales, ==, 1);
  }
  g_assert_cmpint (raw_int (f->path, "PRAGMA foreign_key_check"), ==, -1);
}

/* All or nothing */

static const char file_with_bad_rows[] =
  "Имя;Телефон;Дата;Сумма;Продукт;Ответственный\n"
  "Хороший Первый;+7 900 000-00-01;27.11.2026;100;Аудит;ivan\n"
  "Плохая Дата;+7 900 000-00-02;2026-13-01;;;\n"
  "Хороший Второй;+7 900 000-00-03;;;;\n"
  "Плохая Сумма;+7 900 000-00-04;;сто рублей;;\n"
  ";;27.11.2026;;;\n"
  "Нет Продукта;+7 900 000-00-06;;;Бухучёт;\n"
  "Нет Человека;+7 900 000-00-07;;;;nobody\n"
  "Лишнее Поле;+7 900 000-00-08;;;;;лишнее\n"
  "Хороший Третий;+7 900 000-00-09\n"
  ";;;;;\n";

static void
test_all_or_nothing (Fixture       *f,
                     gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(ScimImportReport) report = NULL;
  g_autofree char *before = NULL;
  g_autofree char *after = NULL;
  ScimLeadFields lead = { .name = "Уже был" };

  scim_store_add_lead (f->store, &lead, &error);
  g_assert_no_error (error);
  before = leads_checksum (f->path);

  report = import (f, file_with_bad_rows, NULL, &error);
  g_assert_error (error, SCIM_STORE_ERROR, SCIM_STORE_ERROR_INVALID);
  g_assert_nonnull (strstr (error->message, "5 rows cannot be read; nothing was imported"));
  g_assert_nonnull (report);
  g_assert_cmpuint (report->created, ==, 0);
  g_assert_cmpuint (report->rows, ==, 9);
  g_assert_cmpuint (report->refused->len, ==, 5);
  g_assert_true (has_issue (report->refused, 3, "2026-13-01"));
  g_assert_true (has_issue (report->refused, 5, "сто рублей"));
  g_assert_true (has_issue (report->refused, 6, "name, company, phone or e-mail"));
  g_assert_true (has_issue (report->refused, 7, "No product “Бухучёт”; add it in Settings or map the column to Ignore"));
  /* An owner who is no user is no reason to refuse a row. */
  g_assert_false (has_issue (report->refused, 8, ""));
  g_assert_true (has_issue (report->refused, 9, "7 fields, but the header has 6"));
  /* Each refused row keeps its cells, for a file of them to fix. */
  {
    const ScimImportIssue *issue = g_ptr_array_index (report->refused, 0);

    g_assert_cmpuint (issue->line, ==, 3);
    g_assert_cmpuint (g_strv_length (issue->cells), ==, 6);
    g_assert_cmpstr (issue->cells[2], ==, "2026-13-01");
  }
  after = leads_checksum (f->path);
  g_assert_cmpstr (before, ==, after);
}

static void
test_skip_bad (Fixture       *f,
               gconstpointer  data)
{
  ScimImportOptions options = { .skip_bad = TRUE };
  g_autoptr(ScimImportReport) report = import_ok (f, file_with_bad_rows, &options);

  g_assert_cmpuint (report->created, ==, 4);
  g_assert_cmpuint (report->refused->len, ==, 5);
  g_assert_cmpint (raw_int (f->path, "SELECT count(*) FROM leads WHERE name LIKE 'Хороший%'"), ==, 3);
  /* The owner no one here is: unassigned, in the incoming queue, the name kept. */
  g_assert_cmpint (raw_int (f->path, "SELECT count(*) FROM leads WHERE name = 'Нет Человека' AND owner_id IS NULL "
                                     "AND state = 'new' AND source_owner = 'nobody'"), ==, 1);
  g_assert_cmpuint (report->unknown_owners->len, ==, 1);
  g_assert_cmpstr (((ScimImportOwner *) g_ptr_array_index (report->unknown_owners, 0))->name, ==, "nobody");
  g_assert_cmpuint (((ScimImportOwner *) g_ptr_array_index (report->unknown_owners, 0))->rows, ==, 1);
  /* In file order: the first good row is the first lead. */
  g_assert_cmpint (raw_int (f->path, "SELECT owner_id FROM leads WHERE name = 'Хороший Первый'"), ==, f->ivan);
  g_assert_cmpint (raw_int (f->path, "SELECT min(id) FROM leads WHERE name = 'Хороший Первый'"), ==,
                   raw_int (f->path, "SELECT min(id) FROM leads"));
}

static void
test_dry_run (Fixture       *f,
              gconstpointer  data)
{
  ScimImportOptions options = { .skip_bad = TRUE, .dry_run = TRUE };
  g_autofree char *before = leads_checksum (f->path);
  g_autofree char *after = NULL;
  g_autoptr(ScimImportReport) report = import_ok (f, file_with_bad_rows, &options);
  g_autoptr(GError) error = NULL;

  g_assert_cmpuint (report->created, ==, 4);
  g_assert_cmpuint (report->refused->len, ==, 5);
  g_assert_cmpuint (report->unknown_owners->len, ==, 1);
  after = leads_checksum (f->path);
  g_assert_cmpstr (before, ==, after);
  g_clear_pointer (&report, scim_import_report_free);

  /* Without skip_bad, the dry run foretells the refusal. */
  options.skip_bad = FALSE;
  report = import (f, file_with_bad_rows, &options, &error);
  g_assert_error (error, SCIM_STORE_ERROR, SCIM_STORE_ERROR_INVALID);
  g_assert_cmpuint (report->refused->len, ==, 5);
  g_clear_pointer (&after, g_free);
  after = leads_checksum (f->path);
  g_assert_cmpstr (before, ==, after);
}

/* Progress and cancellation */

static char *
big_file (guint rows)
{
  GString *text = g_string_new ("Имя;Компания;Телефон;E-mail;Дата;Комментарий\r\n");

  for (guint i = 0; i < rows; i++)
    g_string_append_printf (text, "Клиент %u;ООО «Компания %u»;+7 9%02u %03u-%02u-%02u;client%u@example.ru;"
                                  "%02u.%02u.2026 %02u:%02u;\"Заметка, номер %u\"\r\n",
                            i, i, i % 100, i % 1000, (i / 1000) % 100, i % 97, i, 1 + i % 28, 1 + i % 12,
                            i % 24, i % 60, i);
  return g_string_free (text, FALSE);
}

typedef struct
{
  GCancellable *cancellable;
  GArray       *fractions;
  double        cancel_at;
} ProgressLog;

static void
progress_cb (double   fraction,
             gpointer user_data)
{
  ProgressLog *log = user_data;

  g_array_append_val (log->fractions, fraction);
  if (log->cancellable != NULL && fraction >= log->cancel_at)
    g_cancellable_cancel (log->cancellable);
}

static void
test_progress_and_cancel (Fixture       *f,
                          gconstpointer  data)
{
  g_autofree char *text = big_file (5000);
  g_autoptr(GFile) file = write_file ("big.csv", text, -1);
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(GArray) fractions = g_array_new (FALSE, FALSE, sizeof (double));
  ProgressLog log = { cancellable, fractions, 0.3 };
  g_autofree char *before = leads_checksum (f->path);
  g_autofree char *after = NULL;
  g_autoptr(GError) error = NULL;
  ScimImportReport *report;

  report = scim_store_import_leads (f->store, file, NULL, cancellable, progress_cb, &log, &error);
  g_assert_error (error, SCIM_STORE_ERROR, SCIM_STORE_ERROR_CANCELLED);
  g_assert_null (report);
  g_assert_cmpuint (fractions->len, >, 1);
  after = leads_checksum (f->path);
  g_assert_cmpstr (before, ==, after);
  g_clear_error (&error);

  /* Not cancelled: the bar only goes forward, and ends full. */
  g_array_set_size (fractions, 0);
  log.cancellable = NULL;
  report = scim_store_import_leads (f->store, file, NULL, NULL, progress_cb, &log, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (report->created, ==, 5000);
  g_assert_cmpuint (fractions->len, >, 3);
  for (guint i = 1; i < fractions->len; i++)
    g_assert_cmpfloat (g_array_index (fractions, double, i), >=, g_array_index (fractions, double, i - 1));
  g_assert_cmpfloat (g_array_index (fractions, double, fractions->len - 1), ==, 1.0);
  scim_import_report_free (report);

  /* A cancellable cancelled before the start writes nothing either. */
  g_cancellable_reset (cancellable);
  g_cancellable_cancel (cancellable);
  g_clear_pointer (&before, g_free);
  before = leads_checksum (f->path);
  report = scim_store_import_leads (f->store, file, NULL, cancellable, NULL, NULL, &error);
  g_assert_error (error, SCIM_STORE_ERROR, SCIM_STORE_ERROR_CANCELLED);
  g_assert_null (report);
  g_clear_pointer (&after, g_free);
  after = leads_checksum (f->path);
  g_assert_cmpstr (before, ==, after);
}

/* Bad files */

static void
assert_bad_file (Fixture    *f,
                 const char *name,
                 const char *contents,
                 gssize      len,
                 const char *part)
{
  g_autoptr(GFile) file = write_file (name, contents, len);
  g_autoptr(GError) error = NULL;
  g_autofree char *before = leads_checksum (f->path);
  g_autofree char *after = NULL;
  g_autoptr(ScimImportReport) report = NULL;

  g_test_message ("bad file %s", name);
  report = scim_store_import_leads (f->store, file, NULL, NULL, NULL, NULL, &error);
  g_assert_error (error, SCIM_STORE_ERROR, SCIM_STORE_ERROR_INVALID);
  g_test_message ("%s", error->message);
  g_assert_nonnull (strstr (error->message, part));
  after = leads_checksum (f->path);
  g_assert_cmpstr (before, ==, after);
}

static void
test_bad_files (Fixture       *f,
                gconstpointer  data)
{
  static const char binary[] = "\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0\0\x10\0\0\0\x10\x08\x06\0\0\0";
  g_autoptr(GError) error = NULL;
  g_autoptr(ScimImportReport) report = NULL;

  assert_bad_file (f, "empty.csv", "", 0, "empty");
  assert_bad_file (f, "blank.csv", "\xEF\xBB\xBF\r\n\r\n", -1, "empty");
  assert_bad_file (f, "header-only.csv", "Name;Phone\r\n", -1, "no leads");
  assert_bad_file (f, "binary.csv", binary, sizeof binary - 1, "binary");
  assert_bad_file (f, "unclosed.csv", "Name;Notes\nИван;ok\nПётр;\"не закрыта\nОльга;ok\n", -1, "Line 3");
  assert_bad_file (f, "nul.csv", "Name;Notes\nИван;ok\nПётр;o\0k\n", sizeof "Name;Notes\nИван;ok\nПётр;o\0k\n" - 1,
                   "binary");
  /* Neither UTF-8 nor Windows-1251 in the first chunk. */
  assert_bad_file (f, "unknown.csv", "Name;Notes\nИван;ok\nОльга;\xC3\x28 bad\n", -1, "encoding");

  /* Past the first chunk, where the encoding is known, a bad byte or a
   * NUL is named by its line. */
  {
    g_autoptr(GString) text = g_string_new ("Name;Notes\n");
    g_autofree char *with_nul = NULL;
    gsize len;

    for (guint i = 0; i < 6000; i++)
      g_string_append_printf (text, "Иван %u;ok\n", i);
    len = text->len;
    g_string_append (text, "Ольга;\xC3\x28 bad\n");
    assert_bad_file (f, "bad-utf8.csv", text->str, (gssize) text->len, "Line 6002");
    g_string_truncate (text, len);
    g_string_append_len (text, "Ольга;o\0k\n", sizeof "Ольга;o\0k\n" - 1);
    assert_bad_file (f, "late-nul.csv", text->str, (gssize) text->len, "Line 6002");
  }

  /* A quote in the wrong place spoils its line only: the reader goes on,
   * so every such line is listed. */
  report = import (f, "Name;Notes\nИван;\"x\"y\nПётр;ok\nОльга;\"a\"b\n", NULL, &error);
  g_assert_error (error, SCIM_STORE_ERROR, SCIM_STORE_ERROR_INVALID);
  g_assert_cmpuint (report->refused->len, ==, 2);
  g_assert_true (has_issue (report->refused, 2, "quote"));
  g_assert_true (has_issue (report->refused, 4, "quote"));
  g_assert_cmpint (lead_count (f), ==, 0);
  g_clear_error (&error);

  /* A file that does not exist. */
  {
    g_autoptr(GFile) missing = g_file_new_for_path ("/nonexistent/leads.csv");
    g_autoptr(ScimImportReport) none = scim_store_import_leads (f->store, missing, NULL, NULL, NULL, NULL, &error);

    g_assert_null (none);
    g_assert_error (error, SCIM_STORE_ERROR, SCIM_STORE_ERROR_NOT_FOUND);
  }
}

/* Who may import */

static void
test_import_roles (Fixture       *f,
                   gconstpointer  data)
{
  const char *with_owner = "Name;Owner\nКлиент Один;\nКлиент Два;ivan\n";
  g_autoptr(GError) error = NULL;
  g_autoptr(ScimImportReport) report = NULL;
  g_autofree char *before = NULL;
  g_autofree char *after = NULL;

  /* A salesperson may add leads, but not give them salespeople. */
  sign_in (f, "ivan");
  before = leads_checksum (f->path);
  report = import (f, with_owner, NULL, &error);
  g_assert_error (error, SCIM_STORE_ERROR, SCIM_STORE_ERROR_PERMISSION);
  g_assert_nonnull (strstr (error->message, "Line 3"));
  g_assert_nonnull (strstr (error->message, "“Owner”"));
  g_assert_null (report);
  after = leads_checksum (f->path);
  g_assert_cmpstr (before, ==, after);
  g_clear_error (&error);

  report = import_ok (f, "Name;Owner\nКлиент Один;\nКлиент Два;\n", NULL);
  g_assert_cmpuint (report->created, ==, 2);
  g_clear_pointer (&report, scim_import_report_free);

  /* A salesperson who may accept, may. */
  sign_in (f, "olga");
  report = import_ok (f, "Name;Owner\nКлиент Три;ivan\n", NULL);
  g_assert_cmpuint (report->created, ==, 1);
  g_assert_cmpint (raw_int (f->path, "SELECT owner_id FROM leads WHERE name = 'Клиент Три'"), ==, f->ivan);
  g_clear_pointer (&report, scim_import_report_free);

  /* Nobody signed in: nothing. */
  scim_store_set_user_id (f->store, 0);
  report = import (f, "Name\nКлиент Четыре\n", NULL, &error);
  g_assert_error (error, SCIM_STORE_ERROR, SCIM_STORE_ERROR_PERMISSION);
  g_assert_null (report);
}

/* Acceptance */

static gint64
add_lead (Fixture    *f,
          const char *name,
          const char *company,
          const char *phone)
{
  ScimLeadFields lead = { .name = name, .company = company, .phone = phone, .source = "сайт" };
  g_autoptr(GError) error = NULL;
  gint64 id = scim_store_add_lead (f->store, &lead, &error);

  g_assert_no_error (error);
  return id;
}

static void
test_accept (Fixture       *f,
             gconstpointer  data)
{
  gint64 lead = add_lead (f, "Мария Петрова", "ООО «Новая»", "+7 900 777-66-55");
  gint64 products[] = { f->consulting, f->audit };
  g_autoptr(GError) error = NULL;
  g_autofree char *sql = NULL;
  gint64 client, sale;

  sign_in (f, "head");
  g_assert_true (scim_store_accept_lead (f->store, lead, 0, products, G_N_ELEMENTS (products), f->ivan, &error));
  g_assert_no_error (error);

  /* A client made from the lead, with the person as its key contact. */
  sql = g_strdup_printf ("SELECT client_id FROM leads WHERE id = %" G_GINT64_FORMAT, lead);
  client = raw_int (f->path, sql);
  g_assert_cmpint (client, >, 0);
  g_clear_pointer (&sql, g_free);
  sql = g_strdup_printf ("SELECT name = 'ООО «Новая»' AND phones = '+7 900 777-66-55' FROM clients WHERE id = %"
                         G_GINT64_FORMAT, client);
  g_assert_cmpint (raw_int (f->path, sql), ==, 1);
  g_clear_pointer (&sql, g_free);
  sql = g_strdup_printf ("SELECT count(*) FROM contacts WHERE client_id = %" G_GINT64_FORMAT " AND name = 'Мария Петрова'",
                         client);
  g_assert_cmpint (raw_int (f->path, sql), ==, 1);

  /* One sale per product, each at the first stage of its funnel, with its
   * history and a plan request for the salesperson. */
  g_clear_pointer (&sql, g_free);
  sql = g_strdup_printf ("SELECT count(*) FROM sales s WHERE s.lead_id = %" G_GINT64_FORMAT " AND s.owner_id = %"
                         G_GINT64_FORMAT " AND s.client_id = %" G_GINT64_FORMAT " AND s.stage_id = "
                         "(SELECT id FROM stages WHERE product_id = s.product_id ORDER BY position LIMIT 1)",
                         lead, f->ivan, client);
  g_assert_cmpint (raw_int (f->path, sql), ==, 2);
  /* The lead's card lists them: sales by the lead they came from. */
  {
    g_autoptr(ScimQuery) query = scim_query_new (SCIM_LIST_SALES);
    g_autoptr(GListModel) sales = NULL;

    query->lead_id = lead;
    sales = scim_store_list (f->store, query, &error);
    g_assert_no_error (error);
    g_assert_cmpuint (g_list_model_get_n_items (sales), ==, 2);
    for (guint i = 0; i < 2; i++)
      {
        g_autoptr(ScimRecord) sale_record = g_list_model_get_item (sales, i);
        g_assert_cmpint (scim_record_get_int (sale_record, "client-id"), ==, client);
      }
    query->lead_id = lead + 1000;
    g_clear_object (&sales);
    sales = scim_store_list (f->store, query, &error);
    g_assert_no_error (error);
    g_assert_cmpuint (g_list_model_get_n_items (sales), ==, 0);
  }
  g_clear_pointer (&sql, g_free);
  sql = g_strdup_printf ("SELECT count(*) FROM stage_changes c JOIN sales s ON s.id = c.sale_id "
                         "WHERE s.lead_id = %" G_GINT64_FORMAT " AND c.to_stage_id = s.stage_id "
                         "AND c.from_stage_id IS NULL", lead);
  g_assert_cmpint (raw_int (f->path, sql), ==, 2);
  g_clear_pointer (&sql, g_free);
  sql = g_strdup_printf ("SELECT count(*) FROM plan_requests WHERE lead_id = %" G_GINT64_FORMAT " AND user_id = %"
                         G_GINT64_FORMAT " AND done_at IS NULL", lead, f->ivan);
  g_assert_cmpint (raw_int (f->path, sql), ==, 2);
  g_assert_cmpint (scim_store_count_plan_requests (f->store, f->ivan, &error), ==, 2);
  g_clear_pointer (&sql, g_free);
  sql = g_strdup_printf ("SELECT state = 'accepted' AND decided_by = %" G_GINT64_FORMAT " AND owner_id = %"
                         G_GINT64_FORMAT " FROM leads WHERE id = %" G_GINT64_FORMAT, f->head, f->ivan, lead);
  g_assert_cmpint (raw_int (f->path, sql), ==, 1);

  /* Accepting again, or rejecting an accepted lead, is refused. */
  g_assert_false (scim_store_accept_lead (f->store, lead, 0, products, 1, f->ivan, &error));
  g_assert_error (error, SCIM_STORE_ERROR, SCIM_STORE_ERROR_INVALID);
  g_assert_nonnull (strstr (error->message, "already"));
  g_clear_error (&error);
  g_assert_false (scim_store_reject_lead (f->store, lead, "Дубль", &error));
  g_assert_error (error, SCIM_STORE_ERROR, SCIM_STORE_ERROR_INVALID);
  g_clear_error (&error);

  /* The first task of a sale answers its plan request (the trigger). */
  g_clear_pointer (&sql, g_free);
  sql = g_strdup_printf ("SELECT min(id) FROM sales WHERE lead_id = %" G_GINT64_FORMAT, lead);
  sale = raw_int (f->path, sql);
  g_clear_pointer (&sql, g_free);
  sql = g_strdup_printf ("INSERT INTO tasks (sale_id, title, owner_id, created_at) VALUES (%" G_GINT64_FORMAT
                         ", 'Позвонить', %" G_GINT64_FORMAT ", 1800000000)", sale, f->ivan);
  raw_exec (f->path, sql);
  g_assert_cmpint (scim_store_count_plan_requests (f->store, f->ivan, &error), ==, 1);
  g_clear_pointer (&sql, g_free);
  sql = g_strdup_printf ("SELECT done_at FROM plan_requests WHERE sale_id = %" G_GINT64_FORMAT, sale);
  g_assert_cmpint (raw_int (f->path, sql), ==, 1800000000);

  /* A known client is linked, not made again. */
  {
    gint64 second = add_lead (f, "Ещё Один", "", "");
    gint64 clients_before = raw_int (f->path, "SELECT count(*) FROM clients");

    g_assert_true (scim_store_accept_lead (f->store, second, client, &f->audit, 1, f->olga, &error));
    g_assert_no_error (error);
    g_assert_cmpint (raw_int (f->path, "SELECT count(*) FROM clients"), ==, clients_before);
    g_assert_cmpint (scim_store_count_plan_requests (f->store, f->olga, &error), ==, 1);
  }
}

static void
test_reject (Fixture       *f,
             gconstpointer  data)
{
  gint64 lead = add_lead (f, "Спам", "", "+7 000 000-00-00");
  g_autoptr(GError) error = NULL;
  g_autofree char *sql = NULL;

  sign_in (f, "head");
  g_assert_false (scim_store_reject_lead (f->store, lead, "   ", &error));
  g_assert_error (error, SCIM_STORE_ERROR, SCIM_STORE_ERROR_INVALID);
  g_assert_nonnull (strstr (error->message, "Reason"));
  g_clear_error (&error);
  g_assert_false (scim_store_reject_lead (f->store, lead, NULL, &error));
  g_assert_error (error, SCIM_STORE_ERROR, SCIM_STORE_ERROR_INVALID);
  g_clear_error (&error);

  g_assert_true (scim_store_reject_lead (f->store, lead, "Спам или ошибка", &error));
  g_assert_no_error (error);
  sql = g_strdup_printf ("SELECT state = 'rejected' AND reject_reason = 'Спам или ошибка' AND decided_at > 0 "
                         "FROM leads WHERE id = %" G_GINT64_FORMAT, lead);
  g_assert_cmpint (raw_int (f->path, sql), ==, 1);

  g_assert_false (scim_store_reject_lead (f->store, lead, "Ещё раз", &error));
  g_assert_error (error, SCIM_STORE_ERROR, SCIM_STORE_ERROR_INVALID);
}

static void
test_decision_roles (Fixture       *f,
                     gconstpointer  data)
{
  gint64 lead = add_lead (f, "Кто-то", "", "+7 900 123-00-00");
  g_autoptr(GError) error = NULL;
  g_autofree char *before = NULL;
  g_autofree char *after = NULL;

  /* A plain salesperson decides nothing. */
  sign_in (f, "ivan");
  before = leads_checksum (f->path);
  g_assert_false (scim_store_accept_lead (f->store, lead, 0, &f->consulting, 1, f->ivan, &error));
  g_assert_error (error, SCIM_STORE_ERROR, SCIM_STORE_ERROR_PERMISSION);
  g_clear_error (&error);
  g_assert_false (scim_store_reject_lead (f->store, lead, "Нет бюджета", &error));
  g_assert_error (error, SCIM_STORE_ERROR, SCIM_STORE_ERROR_PERMISSION);
  g_clear_error (&error);
  g_assert_false (scim_store_assign_leads (f->store, &lead, 1, f->ivan, &error));
  g_assert_error (error, SCIM_STORE_ERROR, SCIM_STORE_ERROR_PERMISSION);
  g_clear_error (&error);
  after = leads_checksum (f->path);
  g_assert_cmpstr (before, ==, after);
  g_assert_cmpint (raw_int (f->path, "SELECT count(*) FROM sales"), ==, 0);

  /* One allowed to accept may assign and accept. */
  sign_in (f, "olga");
  g_assert_true (scim_store_assign_leads (f->store, &lead, 1, f->ivan, &error));
  g_assert_no_error (error);
  g_assert_true (scim_store_accept_lead (f->store, lead, 0, &f->consulting, 1, f->ivan, &error));
  g_assert_no_error (error);
  g_assert_cmpint (raw_int (f->path, "SELECT count(*) FROM sales"), ==, 1);
}

/* Export */

static char *
leads_as_text (const char *path)
{
  return raw_text (path,
                   "SELECT group_concat(r, '\n') FROM (SELECT l.name || '|' || l.company || '|' || l.position || '|' || "
                   "l.phone || '|' || l.email || '|' || l.tax_id || '|' || l.source || '|' || l.channel || '|' || "
                   "coalesce(p.name, '') || '|' || l.notes || '|' || l.received_at || '|' || coalesce(u.login, '') AS r "
                   "FROM leads l LEFT JOIN products p ON p.id = l.product_id LEFT JOIN users u ON u.id = l.owner_id "
                   "ORDER BY l.received_at, l.name)");
}

static void
test_export_round_trip (Fixture       *f,
                        gconstpointer  data)
{
  ScimLeadFields leads[] = {
    { .name = "Иван \"Ваня\" Петров", .company = "ООО «Ромашка», филиал", .position = "Директор",
      .phone = "+7 (495) 123-45-67", .email = "ivan@romashka.ru", .tax_id = "7701234567", .source = "сайт",
      .channel = "Яндекс", .product_id = 0, .notes = "Первая строка\nвторая; третья", .owner_id = 0 },
    { .name = " Пробел в начале", .phone = "8 900 000 00 00", .notes = "" },
    { .company = "Only, Company", .email = "only@company.com" },
    { .name = "Same Phone Twice", .phone = "8 900 000 00 00" },
  };
  g_autoptr(GError) error = NULL;
  g_autoptr(GFile) file = NULL;
  g_autoptr(GFileOutputStream) file_out = NULL;
  g_autofree char *csv_path = g_build_filename (tmpdir, "export.csv", NULL);
  g_autofree char *original = NULL;
  g_autofree char *copy = NULL;
  g_autoptr(GArray) fractions = g_array_new (FALSE, FALSE, sizeof (double));
  ProgressLog log = { NULL, fractions, 2.0 };
  Fixture other = { 0 };

  leads[0].product_id = f->audit;
  leads[0].owner_id = f->ivan;
  leads[1].product_id = f->consulting;
  for (guint i = 0; i < G_N_ELEMENTS (leads); i++)
    {
      leads[i].received_at = local_time (2026, 3, 1 + (int) i, 9 + (int) i, 15);
      scim_store_add_lead (f->store, &leads[i], &error);
      g_assert_no_error (error);
    }
  {
    ScimLeadFields rejected = { .name = "Отклонённый", .received_at = local_time (2026, 4, 1, 12, 0) };
    gint64 id = scim_store_add_lead (f->store, &rejected, &error);

    g_assert_no_error (error);
    sign_in (f, "head");
    g_assert_true (scim_store_reject_lead (f->store, id, "Нет бюджета", &error));
    g_assert_no_error (error);
  }

  file = g_file_new_for_path (csv_path);
  file_out = g_file_replace (file, NULL, FALSE, G_FILE_CREATE_NONE, NULL, &error);
  g_assert_no_error (error);
  g_assert_true (scim_store_export_leads (f->store, NULL, G_OUTPUT_STREAM (file_out), NULL, progress_cb, &log,
                                          &error));
  g_assert_no_error (error);
  g_assert_true (g_output_stream_close (G_OUTPUT_STREAM (file_out), NULL, &error));
  g_assert_cmpfloat (g_array_index (fractions, double, fractions->len - 1), ==, 1.0);

  {
    g_autofree char *text = NULL;

    g_assert_true (g_file_get_contents (csv_path, &text, NULL, NULL));
    g_assert_true (g_str_has_prefix (text, "ID,Received,Name,Company,Position,Phone,E-mail,Tax ID,Source,Channel,"
                                           "Product,Salesperson,State,Reject reason,Notes\r\n"));
    g_assert_nonnull (strstr (text, "\"Иван \"\"Ваня\"\" Петров\",\"ООО «Ромашка», филиал\""));
    g_assert_nonnull (strstr (text, "2026-03-01 09:15"));
    g_assert_nonnull (strstr (text, "\"Первая строка\nвторая; третья\""));
    g_assert_nonnull (strstr (text, ",Rejected,Нет бюджета,"));
  }

  /* Into a new file with the same products and people, keeping the
   * duplicates (two leads share a phone): the same leads. */
  fixture_set_up (&other, NULL);
  {
    ScimImportOptions options = { .keep_duplicates = TRUE };
    g_autoptr(ScimImportReport) report = scim_store_import_leads (other.store, file, &options, NULL, NULL, NULL,
                                                                  &error);

    g_assert_no_error (error);
    g_assert_cmpuint (report->created, ==, G_N_ELEMENTS (leads) + 1);
  }
  original = leads_as_text (f->path);
  copy = leads_as_text (other.path);
  g_assert_cmpstr (original, ==, copy);
  fixture_tear_down (&other, NULL);

  /* The current table view only: a query with a state filter. */
  {
    g_autoptr(ScimQuery) query = scim_query_new (SCIM_LIST_LEADS);
    g_autoptr(GOutputStream) memory = g_memory_output_stream_new_resizable ();
    g_autofree char *text = NULL;
    guint lines = 0;

    query->state = g_strdup ("rejected");
    g_assert_true (scim_store_export_leads (f->store, query, memory, NULL, NULL, NULL, &error));
    g_assert_no_error (error);
    g_assert_true (g_output_stream_write_all (memory, "", 1, NULL, NULL, &error));
    g_assert_true (g_output_stream_close (memory, NULL, NULL));
    text = g_memory_output_stream_steal_data (G_MEMORY_OUTPUT_STREAM (memory));
    for (const char *p = text; (p = strstr (p, "\r\n")) != NULL; p += 2)
      lines++;
    g_assert_cmpuint (lines, ==, 2);
    g_assert_nonnull (strstr (text, "Отклонённый"));
    g_assert_null (strstr (text, "Пробел"));
  }

  /* Cancelled: an error, not a half file. */
  {
    g_autoptr(GCancellable) cancellable = g_cancellable_new ();
    g_autoptr(GOutputStream) memory = g_memory_output_stream_new_resizable ();

    g_cancellable_cancel (cancellable);
    g_assert_false (scim_store_export_leads (f->store, NULL, memory, cancellable, NULL, NULL, &error));
    g_assert_true (g_error_matches (error, SCIM_STORE_ERROR, SCIM_STORE_ERROR_CANCELLED));
  }
}

int
main (int    argc,
      char **argv)
{
  int ret;

  g_test_init (&argc, &argv, NULL);
  tmpdir = g_dir_make_tmp ("scim-test-leads-XXXXXX", NULL);

  g_test_add_func ("/leads/fields", test_field_names);
#define ADD(path, func) g_test_add (path, Fixture, NULL, fixture_set_up, func, fixture_tear_down)
  ADD ("/leads/import/preview", test_preview);
  ADD ("/leads/import/utf8-bom-comma-english", test_utf8_bom_comma_english);
  ADD ("/leads/import/semicolon-russian", test_semicolon_russian);
  ADD ("/leads/import/windows-1251-tab", test_windows_1251_tab);
  ADD ("/leads/import/quoted-multiline-crlf", test_quoted_multiline_crlf);
  ADD ("/leads/import/mapping", test_mapping);
  ADD ("/leads/import/duplicates", test_duplicates);
  ADD ("/leads/import/all-or-nothing", test_all_or_nothing);
  ADD ("/leads/import/skip-bad", test_skip_bad);
  ADD ("/leads/import/dry-run", test_dry_run);
  ADD ("/leads/import/crm/bitrix24", test_crm_bitrix24);
  ADD ("/leads/import/crm/amocrm", test_crm_amocrm);
  ADD ("/leads/import/crm/pipedrive", test_crm_pipedrive);
  ADD ("/leads/import/crm/hubspot", test_crm_hubspot);
  ADD ("/leads/import/progress-and-cancel", test_progress_and_cancel);
  ADD ("/leads/import/bad-files", test_bad_files);
  ADD ("/leads/import/roles", test_import_roles);
  ADD ("/leads/duplicates-and-merge", test_merge);
  ADD ("/leads/accept", test_accept);
  ADD ("/leads/reject", test_reject);
  ADD ("/leads/decision-roles", test_decision_roles);
  ADD ("/leads/export/round-trip", test_export_round_trip);
#undef ADD

  ret = g_test_run ();
  {
    g_autoptr(GFile) dir = g_file_new_for_path (tmpdir);
    g_autoptr(GFileEnumerator) children = g_file_enumerate_children (dir, G_FILE_ATTRIBUTE_STANDARD_NAME,
                                                                     G_FILE_QUERY_INFO_NONE, NULL, NULL);
    GFileInfo *info;

    while (children != NULL && (info = g_file_enumerator_next_file (children, NULL, NULL)) != NULL)
      {
        g_autoptr(GFile) child = g_file_get_child (dir, g_file_info_get_name (info));
        g_file_delete (child, NULL, NULL);
        g_object_unref (info);
      }
    g_rmdir (tmpdir);
  }
  g_free (tmpdir);
  return ret;
}
