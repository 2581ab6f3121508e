/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gstdio.h>
#include <sqlite3.h>
#include <sys/wait.h>

#include "scim-core.h"
#include "smtp-sink.h"

/* Mail of alerts against a real SMTP server on this machine
 * (python3-aiosmtpd, writing a Maildir): plain, STARTTLS with a test
 * certificate (trusted when given, refused when not), a server that is not
 * there (reported, nothing marked) and the same mail sent once it is; the
 * SMTP password through the real keyring of the test session. */

static char *tmpdir;

/* A tool the test needs and the machine lacks: in CI a failure, elsewhere
 * a reported skip. */
static gboolean
have_tool (gboolean    present,
           const char *what)
{
  if (present)
    return TRUE;
  if (g_strcmp0 (g_getenv ("CI"), "true") == 0)
    g_test_fail_printf ("%s is missing, and CI must run this check", what);
  else
    g_test_skip_printf ("%s is missing", what);
  return FALSE;
}

/* The decoded body of a message we composed (base64 after the headers). */
static char *
body_of (const char *message)
{
  const char *start = strstr (message, "\n\n");
  g_autofree char *joined = NULL;
  g_autofree guchar *decoded = NULL;
  gsize len = 0;

  if (start == NULL)
    start = strstr (message, "\r\n\r\n");
  g_assert_nonnull (start);
  joined = g_strdup (start);
  g_strdelimit (joined, "\r\n", ' ');
  {
    GString *clean = g_string_new (NULL);

    for (const char *p = joined; *p != '\0'; p++)
      if (*p != ' ')
        g_string_append_c (clean, *p);
    decoded = g_base64_decode (clean->str, &len);
    g_string_free (clean, TRUE);
  }
  return g_strndup ((const char *) decoded, len);
}

static void
test_compose (void)
{
  g_autofree char *text = scim_mail_compose ("head@firm.ru", "anna@firm.ru", "Задачи: 3 просрочены",
                                             "Строка один\nСтрока два", 1796000000);
  g_autofree char *body = body_of (text);

  g_assert_nonnull (strstr (text, "From: <head@firm.ru>\r\n"));
  g_assert_nonnull (strstr (text, "To: <anna@firm.ru>\r\n"));
  g_assert_nonnull (strstr (text, "Subject: =?UTF-8?B?"));
  g_assert_nonnull (strstr (text, "Content-Type: text/plain; charset=UTF-8\r\n"));
  g_assert_null (strstr (text, "Задачи"));
  g_assert_cmpstr (body, ==, "Строка один\r\nСтрока два");
}

static void
test_plain (void)
{
  Server server = { 0 };
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) got = NULL;
  g_autofree char *body = NULL;
  ScimMailAccount account = { "127.0.0.1", 0, SCIM_MAIL_PLAIN, NULL, NULL, "head@firm.ru", NULL, 10 };

  if (!have_tool (have_aiosmtpd (), "python3-aiosmtpd"))
    return;
  g_assert_true (server_start (&server, tmpdir, free_port (), NULL, NULL));
  account.port = server.port;
  g_assert_true (scim_mail_send (&account, "anna@firm.ru", "Оповещения", "Позвонить бухгалтеру\nСрок сегодня", NULL,
                                 &error));
  g_assert_no_error (error);
  got = messages (&server);
  g_assert_cmpuint (got->len, ==, 1);
  g_assert_nonnull (strstr (g_ptr_array_index (got, 0), "X-RcptTo: anna@firm.ru"));
  body = body_of (strstr (g_ptr_array_index (got, 0), "X-Mailer: SCIM Sales"));
  g_assert_cmpstr (body, ==, "Позвонить бухгалтеру\r\nСрок сегодня");

  /* A bad address is refused before anything is sent. */
  g_assert_false (scim_mail_send (&account, "nobody", "x", "y", NULL, &error));
  g_assert_error (error, SCIM_MAIL_ERROR, SCIM_MAIL_ERROR_INVALID);
  server_stop (&server);
}

static void
test_starttls (void)
{
  Server server = { 0 };
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) got = NULL;
  g_autofree char *cert = g_build_filename (tmpdir, "cert.pem", NULL);
  g_autofree char *key = g_build_filename (tmpdir, "key.pem", NULL);
  g_autofree char *command = NULL;
  g_autofree char *noise = NULL;
  ScimMailAccount account = { "localhost", 0, SCIM_MAIL_STARTTLS, NULL, NULL, "head@firm.ru", NULL, 10 };
  g_autofree char *openssl = g_find_program_in_path ("openssl");
  int status = 0;

  if (!have_tool (have_aiosmtpd (), "python3-aiosmtpd") || !have_tool (openssl != NULL, "openssl"))
    return;
  command = g_strdup_printf ("openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj /CN=localhost "
                             "-addext subjectAltName=DNS:localhost,IP:127.0.0.1 -keyout '%s' -out '%s'", key, cert);
  g_assert_true (g_spawn_command_line_sync (command, NULL, &noise, &status, &error));
  g_assert_no_error (error);
  g_assert_true (g_spawn_check_wait_status (status, NULL));

  g_assert_true (server_start (&server, tmpdir, free_port (), cert, key));
  account.port = server.port;
  /* The test certificate is no authority's: refused, nothing sent. */
  g_assert_false (scim_mail_send (&account, "anna@firm.ru", "Оповещения", "Текст", NULL, &error));
  g_assert_error (error, SCIM_MAIL_ERROR, SCIM_MAIL_ERROR_TLS);
  g_clear_error (&error);
  /* Without encryption a server that requires it refuses. */
  account.security = SCIM_MAIL_PLAIN;
  g_assert_false (scim_mail_send (&account, "anna@firm.ru", "Оповещения", "Текст", NULL, &error));
  g_assert_nonnull (error);
  g_clear_error (&error);
  got = messages (&server);
  g_assert_cmpuint (got->len, ==, 0);
  g_clear_pointer (&got, g_ptr_array_unref);

  /* Trusted when the certificate is given: sent over STARTTLS. */
  account.security = SCIM_MAIL_STARTTLS;
  account.ca_file = cert;
  g_assert_true (scim_mail_send (&account, "anna@firm.ru", "Оповещения", "Текст", NULL, &error));
  g_assert_no_error (error);
  got = messages (&server);
  g_assert_cmpuint (got->len, ==, 1);
  server_stop (&server);
}

/* The CLI as cron runs it: the server is down (reported, nothing marked),
 * then up (the same alerts mailed, marked), then nothing new to mail. */
static char *
run_cli (int        *status,
         const char *first,
         ...)
{
  g_autoptr(GPtrArray) argv = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GError) error = NULL;
  g_autofree char *err = NULL;
  char *out = NULL;
  const char *arg;
  va_list args;

  g_ptr_array_add (argv, g_strdup (g_getenv ("SCIM_CLI")));
  g_ptr_array_add (argv, g_strdup (first));
  va_start (args, first);
  while ((arg = va_arg (args, const char *)) != NULL)
    g_ptr_array_add (argv, g_strdup (arg));
  va_end (args);
  g_ptr_array_add (argv, NULL);
  g_spawn_sync (NULL, (char **) argv->pdata, NULL, G_SPAWN_DEFAULT, NULL, NULL, &out, &err, status, &error);
  g_assert_no_error (error);
  *status = WIFEXITED (*status) ? WEXITSTATUS (*status) : -1;
  g_test_message ("stdout: %s\nstderr: %s", out, err);
  return out;
}

static gint64
raw_int (const char *path,
         const char *sql)
{
  sqlite3 *db = NULL;
  sqlite3_stmt *stmt = NULL;
  gint64 value = -1;

  g_assert_cmpint (sqlite3_open_v2 (path, &db, SQLITE_OPEN_READONLY, NULL), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_prepare_v2 (db, sql, -1, &stmt, NULL), ==, SQLITE_OK);
  if (sqlite3_step (stmt) == SQLITE_ROW)
    value = sqlite3_column_int64 (stmt, 0);
  sqlite3_finalize (stmt);
  sqlite3_close (db);
  return value;
}

static char *
alerts_database (void)
{
  g_autofree char *path = g_build_filename (tmpdir, "mail.db", NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(ScimStore) store = NULL;
  g_autoptr(ScimUser) admin = NULL;
  sqlite3 *db = NULL;

  g_unlink (path);
  store = scim_store_open (path, SCIM_STORE_CREATE, &error);
  g_assert_no_error (error);
  g_assert_cmpint (scim_store_add_user (store, "admin", "Админ", NULL, SCIM_ROLE_ADMIN, FALSE, NULL, &error), ==, 1);
  admin = scim_store_sign_in (store, "admin", NULL, &error);
  g_assert_cmpint (scim_store_add_user (store, "anna", "Анна Иванова", "anna@firm.ru", SCIM_ROLE_SALES, FALSE, NULL,
                                        &error), ==, 2);
  g_assert_no_error (error);
  scim_store_close (store);
  g_assert_cmpint (sqlite3_open (path, &db), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_exec (db,
                                 "INSERT INTO products (id, name, created_at) VALUES (1, 'Консалтинг', 1);"
                                 "INSERT INTO stages (id, product_id, position, name, kind) VALUES (1, 1, 0, 'Контакт', 'open');"
                                 "INSERT INTO clients (id, name, created_at) VALUES (1, 'Ромашка', 1);"
                                 "INSERT INTO sales (id, client_id, product_id, stage_id, owner_id, stage_entered_at, "
                                 "  created_at) VALUES (1, 1, 1, 1, 2, unixepoch() - 3600, unixepoch() - 3600);"
                                 "INSERT INTO tasks (sale_id, title, owner_id, due_at, due_has_time, created_at) "
                                 "  VALUES (1, 'Позвонить бухгалтеру', 2, unixepoch() - 2 * 86400, 1, 1);",
                                 NULL, NULL, NULL), ==, SQLITE_OK);
  sqlite3_close (db);
  return g_steal_pointer (&path);
}

static void
test_cli_retry (void)
{
  g_autofree char *path = NULL;
  g_autofree char *url = NULL;
  g_autofree char *down = NULL;
  g_autofree char *up = NULL;
  g_autofree char *again = NULL;
  g_autoptr(GPtrArray) got = NULL;
  g_autofree char *body = NULL;
  Server server = { 0 };
  guint port;
  int status = 0;

  if (!have_tool (have_aiosmtpd (), "python3-aiosmtpd") || !have_tool (g_getenv ("SCIM_CLI") != NULL, "SCIM_CLI"))
    return;
  path = alerts_database ();
  port = free_port ();
  url = g_strdup_printf ("smtp+plain://127.0.0.1:%u", port);

  down = run_cli (&status, "--db", path, "--user", "anna", "alerts", "--email", "--smtp", url, NULL);
  g_assert_cmpint (status, ==, 2);
  g_assert_cmpint (raw_int (path, "SELECT count(*) FROM alert_marks WHERE mailed_at IS NOT NULL"), ==, 0);

  g_assert_true (server_start (&server, tmpdir, port, NULL, NULL));
  up = run_cli (&status, "--db", path, "--user", "anna", "alerts", "--email", "--smtp", url, NULL);
  g_assert_cmpint (status, ==, 0);
  g_assert_nonnull (strstr (up, "Mailed 1 alert to anna@firm.ru."));
  got = messages (&server);
  g_assert_cmpuint (got->len, ==, 1);
  g_assert_nonnull (strstr (g_ptr_array_index (got, 0), "Subject: SCIM Sales: 1 task overdue"));
  body = body_of (strstr (g_ptr_array_index (got, 0), "X-Mailer: SCIM Sales"));
  g_assert_nonnull (strstr (body, "Overdue Tasks"));
  g_assert_nonnull (strstr (body, "Позвонить бухгалтеру"));
  g_assert_nonnull (strstr (body, "Ромашка · Консалтинг"));
  g_assert_cmpint (raw_int (path, "SELECT count(*) FROM alert_marks WHERE mailed_at IS NOT NULL"), ==, 1);

  again = run_cli (&status, "--db", path, "--user", "anna", "alerts", "--email", "--smtp", url, NULL);
  g_assert_cmpint (status, ==, 0);
  g_assert_nonnull (strstr (again, "Nothing to mail."));
  g_clear_pointer (&got, g_ptr_array_unref);
  got = messages (&server);
  g_assert_cmpuint (got->len, ==, 1);
  server_stop (&server);
}

static void
test_keyring (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *found = NULL;
  g_autofree char *gone = NULL;
  g_autofree char *path = NULL;
  g_autofree char *contents = NULL;
  gsize len = 0;

  if (!have_tool (g_getenv ("SCIM_TEST_KEYRING") != NULL, "an unlocked gnome-keyring (run under the suite's session)"))
    return;
  g_assert_true (scim_mail_store_password ("smtp.firm.ru", "anna", "s3cret-Пароль", NULL, &error));
  g_assert_no_error (error);
  found = scim_mail_lookup_password ("smtp.firm.ru", "anna", NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (found, ==, "s3cret-Пароль");
  /* Only there: not in a database file the app writes. */
  path = alerts_database ();
  g_assert_true (g_file_get_contents (path, &contents, &len, NULL));
  g_assert_null (g_strstr_len (contents, (gssize) len, "s3cret"));
  g_assert_true (scim_mail_store_password ("smtp.firm.ru", "anna", "", NULL, &error));
  g_assert_no_error (error);
  gone = scim_mail_lookup_password ("smtp.firm.ru", "anna", NULL, &error);
  g_assert_no_error (error);
  g_assert_null (gone);
}

int
main (int   argc,
      char *argv[])
{
  int ret;

  g_test_init (&argc, &argv, NULL);
  tmpdir = g_dir_make_tmp ("scim-test-mail-XXXXXX", NULL);

  g_test_add_func ("/mail/compose", test_compose);
  g_test_add_func ("/mail/plain", test_plain);
  g_test_add_func ("/mail/starttls", test_starttls);
  g_test_add_func ("/mail/cli-retry", test_cli_retry);
  g_test_add_func ("/mail/keyring", test_keyring);

  ret = g_test_run ();
  {
    g_autofree char *cmd = g_strdup_printf ("rm -rf '%s'", tmpdir);

    if (system (cmd) != 0)
      g_printerr ("could not remove %s\n", tmpdir);
  }
  g_free (tmpdir);
  return ret;
}
