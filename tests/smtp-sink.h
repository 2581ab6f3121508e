/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

/* A real SMTP server for tests: python3-aiosmtpd on a free port of
 * 127.0.0.1, storing what it receives in a Maildir; TLS with a given
 * certificate.  Included by the tests that mail. */

#include <gio/gio.h>
#include <stdlib.h>

static guint G_GNUC_UNUSED
free_port (void)
{
  g_autoptr(GSocket) socket = g_socket_new (G_SOCKET_FAMILY_IPV4, G_SOCKET_TYPE_STREAM, G_SOCKET_PROTOCOL_TCP, NULL);
  g_autoptr(GInetAddress) loopback = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  g_autoptr(GSocketAddress) any = g_inet_socket_address_new (loopback, 0);
  g_autoptr(GSocketAddress) bound = NULL;
  g_autoptr(GError) error = NULL;

  g_assert_true (g_socket_bind (socket, any, FALSE, &error));
  g_assert_no_error (error);
  bound = g_socket_get_local_address (socket, &error);
  g_assert_no_error (error);
  return g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (bound));
}

static gboolean
port_open (guint port)
{
  g_autoptr(GSocketClient) client = g_socket_client_new ();
  g_autoptr(GSocketConnection) connection = NULL;

  connection = g_socket_client_connect_to_host (client, "127.0.0.1", (guint16) port, NULL, NULL);
  return connection != NULL;
}

typedef struct
{
  GSubprocess *process;
  char        *maildir;
  guint        port;
} Server;

/* aiosmtpd with a Maildir handler on @port; TLS when @cert is given. */
static gboolean G_GNUC_UNUSED
server_start (Server     *server,
              const char *dir,
              guint       port,
              const char *cert,
              const char *key)
{
  static int n;
  g_autoptr(GPtrArray) argv = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GError) error = NULL;
  g_autofree char *listen = g_strdup_printf ("127.0.0.1:%u", port);
  gint64 deadline = g_get_monotonic_time () + 30 * G_USEC_PER_SEC;

  server->port = port;
  server->maildir = g_strdup_printf ("%s/maildir-%d", dir, ++n);
  g_ptr_array_add (argv, g_strdup ("/usr/bin/python3"));
  g_ptr_array_add (argv, g_strdup ("-m"));
  g_ptr_array_add (argv, g_strdup ("aiosmtpd"));
  g_ptr_array_add (argv, g_strdup ("-n"));
  g_ptr_array_add (argv, g_strdup ("-l"));
  g_ptr_array_add (argv, g_strdup (listen));
  if (cert != NULL)
    {
      g_ptr_array_add (argv, g_strdup ("--tlscert"));
      g_ptr_array_add (argv, g_strdup (cert));
      g_ptr_array_add (argv, g_strdup ("--tlskey"));
      g_ptr_array_add (argv, g_strdup (key));
    }
  g_ptr_array_add (argv, g_strdup ("-c"));
  g_ptr_array_add (argv, g_strdup ("aiosmtpd.handlers.Mailbox"));
  g_ptr_array_add (argv, g_strdup (server->maildir));
  g_ptr_array_add (argv, NULL);
  server->process = g_subprocess_newv ((const char * const *) argv->pdata,
                                       G_SUBPROCESS_FLAGS_STDOUT_SILENCE | G_SUBPROCESS_FLAGS_STDERR_SILENCE, &error);
  if (server->process == NULL)
    return FALSE;
  /* Up when it takes connections; a bounded wait on that condition. */
  while (!port_open (port) && g_get_monotonic_time () < deadline &&
         g_subprocess_get_identifier (server->process) != NULL)
    g_usleep (50 * 1000);
  return port_open (port);
}

static void G_GNUC_UNUSED
server_stop (Server *server)
{
  if (server->process != NULL)
    {
      g_subprocess_force_exit (server->process);
      g_subprocess_wait (server->process, NULL, NULL);
    }
  g_clear_object (&server->process);
  g_clear_pointer (&server->maildir, g_free);
}

static gboolean G_GNUC_UNUSED
have_aiosmtpd (void)
{
  return g_file_test ("/usr/bin/python3", G_FILE_TEST_IS_EXECUTABLE) &&
         system ("/usr/bin/python3 -c 'import aiosmtpd' 2>/dev/null") == 0;
}

/* The messages the server stored, oldest first. */
static GPtrArray * G_GNUC_UNUSED
messages (Server *server)
{
  g_autofree char *dir = g_build_filename (server->maildir, "new", NULL);
  g_autoptr(GDir) folder = g_dir_open (dir, 0, NULL);
  GPtrArray *found = g_ptr_array_new_with_free_func (g_free);
  const char *name;

  while (folder != NULL && (name = g_dir_read_name (folder)) != NULL)
    {
      g_autofree char *path = g_build_filename (dir, name, NULL);
      char *text = NULL;

      if (g_file_get_contents (path, &text, NULL, NULL))
        g_ptr_array_add (found, text);
    }
  return found;
}

