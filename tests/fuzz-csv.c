/* SPDX-License-Identifier: GPL-3.0-or-later */

/* The CSV reader's fuzz target.
 *
 * LLVMFuzzerTestOneInput() runs the reader over the input with detection
 * and with each delimiter, encoding and a tiny chunk size given, and the
 * value parsers over every field.  It must not crash, leak or break the
 * reader's promises (fields are UTF-8, record lines only grow).
 *
 * In CI (`meson test fuzz-csv`), the file builds as a plain program that
 * runs a reproducible random mutation loop, seeded GRand, over the seeds in
 * tests/fuzz/csv for a bounded time:
 *
 *   build/tests/fuzz-csv [--seconds 10] [--seed 1] [--runs N] tests/fuzz/csv [FILE…]
 *
 * Each seed and each FILE runs unchanged first, so `--seconds 0 FILE`
 * replays one input.  When an input crashes the program, it is written to
 * fuzz-csv-crash.bin in the working directory.
 *
 * CI also runs it under libFuzzer for ten seconds (tests/fuzz-libfuzzer.sh,
 * `meson test fuzz-csv-libfuzzer`).  By hand, for longer, build it for
 * libFuzzer with clang, with the reader compiled in so that it is
 * instrumented too:
 *
 *   clang -g -O1 -fsanitize=fuzzer,address,undefined -DSCIM_FUZZ_LIBFUZZER \
 *     -Ibuild -Isrc/core tests/fuzz-csv.c src/core/scim-csv.c \
 *     $(pkg-config --cflags --libs gio-2.0) -o build/fuzz-csv-libfuzzer
 *   mkdir -p build/fuzz-corpus
 *   build/fuzz-csv-libfuzzer -max_total_time=60 -max_len=4096 build/fuzz-corpus tests/fuzz/csv
 *
 * AddressSanitizer's leak checker then reports a leak as a crash. */

#include "config.h"

#include <fcntl.h>
#include <signal.h>
#include <stdint.h>
#include <string.h>
#include <unistd.h>

#include "scim-csv.h"

int LLVMFuzzerTestOneInput (const uint8_t *data,
                            size_t         size);

static void
check_value (const char *text)
{
  gint64 value = 0;
  g_autofree char *phone = scim_csv_normalize_phone (text);
  g_autofree char *email = scim_csv_normalize_email (text);

  scim_csv_parse_date (text, &value);
  scim_csv_parse_amount (text, &value);
  g_assert (phone[0] == '\0' || strspn (phone, "0123456789") == strlen (phone));
  g_assert (email[0] == '\0' || strchr (email, '@') != NULL);
}

static void
run_reader (const uint8_t        *data,
            size_t                size,
            const ScimCsvOptions *options)
{
  g_autoptr(GInputStream) stream = g_memory_input_stream_new_from_data (data, (gssize) size, NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(ScimCsvReader) reader = scim_csv_reader_new (stream, options, NULL, &error);
  guint last_line = 0;
  guint n_header = 0;
  guint n_records = 0;

  if (reader == NULL)
    {
      g_assert (error != NULL && error->domain == SCIM_CSV_ERROR);
      return;
    }

  for (;;)
    {
      g_autoptr(GPtrArray) fields = NULL;
      guint line = 0;

      if (!scim_csv_reader_next (reader, &fields, &line, NULL, &error))
        {
          if (error == NULL)
            break;
          g_assert (error->domain == SCIM_CSV_ERROR && error->message[0] != '\0');
          if (!g_error_matches (error, SCIM_CSV_ERROR, SCIM_CSV_ERROR_BAD_QUOTE))
            break;
          g_clear_error (&error);
          continue;
        }

      g_assert (fields != NULL && fields->len > 0);
      g_assert (line > last_line);
      last_line = line;
      if (n_records++ == 0)
        n_header = fields->len;
      else
        scim_csv_check_field_count (line, fields->len, n_header, NULL);
      for (guint i = 0; i < fields->len; i++)
        {
          const char *field = g_ptr_array_index (fields, i);

          g_assert (g_utf8_validate (field, -1, NULL));
          check_value (field);
        }
    }

  g_assert (scim_csv_reader_get_bytes_read (reader) <= size);
  /* The record limit bounds the buffers, whatever the input. */
  g_assert (scim_csv_reader_get_buffer_size (reader) <
            4 * SCIM_CSV_DEFAULT_CHUNK_SIZE + 3 * SCIM_CSV_DEFAULT_MAX_RECORD);
}

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  static const ScimCsvOptions fixed[] = {
    { .delimiter = ',' },
    { .delimiter = ';' },
    { .delimiter = '\t' },
    { .encoding = SCIM_CSV_ENCODING_UTF8, .delimiter = ';', .chunk_size = 1 },
    { .encoding = SCIM_CSV_ENCODING_WINDOWS_1251, .delimiter = ',', .chunk_size = 3, .max_record = 64 },
    { .encoding = SCIM_CSV_ENCODING_UTF16LE, .chunk_size = 5 },
    { .encoding = SCIM_CSV_ENCODING_UTF16BE, .delimiter = '\t', .max_record = 16 },
  };
  ScimCsvOptions sniffed = { 0 };
  g_autoptr(GError) error = NULL;
  g_autofree char *text = g_strndup ((const char *) data, size);

  if (scim_csv_sniff ((const char *) data, size, &sniffed, &error))
    g_assert (sniffed.delimiter != '\0' && sniffed.encoding != SCIM_CSV_ENCODING_AUTO);
  else
    g_assert (error != NULL);

  run_reader (data, size, NULL);
  for (guint i = 0; i < G_N_ELEMENTS (fixed); i++)
    run_reader (data, size, &fixed[i]);

  /* The value parsers get bytes that are not UTF-8 too. */
  check_value (text);
  return 0;
}

#ifndef SCIM_FUZZ_LIBFUZZER

#define MAX_INPUT_SIZE 8192

static const char * const tokens[] = {
  "\"", "\"\"", ",", ";", "\t", "\r", "\n", "\r\n", "\"\r\n\"", "\xEF\xBB\xBF", "\xFF\xFE",
  "\xFE\xFF", "\xD0", "\xD0\x98", "\xC0", "\x98", "\xE2\x82", "\xF0\x9F\x98\x80", "\xE0\xF1",
  "€", "₽", " руб.", "27.11.2026 14:30", "2026-11-27T14:30+03:00", "150 000,00", "1.234,56",
  "-", "−", "\u00A0", "+7 900 123-45-67", "8 (900)", "A@B.RU", "mailto:",
};

/* The input being run, for the crash handler. */
static const guint8 *current_data;
static gsize current_size;

static void
on_crash (int signum)
{
  int fd = open ("fuzz-csv-crash.bin", O_WRONLY | O_CREAT | O_TRUNC, 0644);

  if (fd >= 0)
    {
      if (current_data != NULL && write (fd, current_data, current_size) < 0)
        {
          /* Nothing more can be done inside a signal handler. */
        }
      close (fd);
    }
  raise (signum);
}

static void
mutate (GRand     *rand,
        GString    *input,
        GPtrArray  *seeds)
{
  guint n = (guint) g_rand_int_range (rand, 1, 9);

  for (guint m = 0; m < n; m++)
    {
      gsize len = input->len;
      gsize pos = len > 0 ? (gsize) g_rand_int_range (rand, 0, (gint32) len) : 0;

      switch (g_rand_int_range (rand, 0, 8))
        {
        case 0:
          if (len > 0)
            input->str[pos] ^= (char) (1 << g_rand_int_range (rand, 0, 8));
          break;
        case 1:
          if (len > 0)
            input->str[pos] = (char) g_rand_int_range (rand, 0, 256);
          break;
        case 2:
        case 3:
          {
            const char *token = tokens[g_rand_int_range (rand, 0, G_N_ELEMENTS (tokens))];

            g_string_insert_len (input, pos, token, (gssize) strlen (token));
          }
          break;
        case 4:
          if (len > 0)
            g_string_erase (input, pos, g_rand_int_range (rand, 1, (gint32) MIN (len - pos, 64) + 1));
          break;
        case 5:
          if (len > 0)
            {
              guint count = (guint) g_rand_int_range (rand, 1, (gint32) MIN (len - pos, 256) + 1);
              g_autofree char *copy = g_memdup2 (input->str + pos, count);

              g_string_insert_len (input, g_rand_int_range (rand, 0, (gint32) len + 1), copy, count);
            }
          break;
        case 6:
          g_string_truncate (input, pos);
          break;
        case 7:
        default:
          {
            GBytes *other = g_ptr_array_index (seeds, g_rand_int_range (rand, 0, (gint32) seeds->len));
            gsize other_len = 0;
            const guint8 *other_data = g_bytes_get_data (other, &other_len);

            if (other_len > 0)
              {
                gsize start = (gsize) g_rand_int_range (rand, 0, (gint32) other_len);
                gsize want = (gsize) g_rand_int_range (rand, 1, 512);
                gsize count = MIN (other_len - start, want);

                g_string_insert_len (input, pos, (const char *) other_data + start, count);
              }
          }
          break;
        }
    }
  if (input->len > MAX_INPUT_SIZE)
    g_string_truncate (input, MAX_INPUT_SIZE);
}

static void
add_seed (GPtrArray  *seeds,
          const char *path)
{
  g_autoptr(GError) error = NULL;
  char *contents = NULL;
  gsize len = 0;

  if (!g_file_get_contents (path, &contents, &len, &error))
    g_error ("%s", error->message);
  g_ptr_array_add (seeds, g_bytes_new_take (contents, len));
}

static int
compare_paths (gconstpointer a,
               gconstpointer b)
{
  return strcmp (*(char * const *) a, *(char * const *) b);
}

static void
add_seeds (GPtrArray  *seeds,
           const char *path)
{
  g_autoptr(GDir) dir = NULL;
  g_autoptr(GPtrArray) names = NULL;
  const char *name;

  if (!g_file_test (path, G_FILE_TEST_IS_DIR))
    {
      add_seed (seeds, path);
      return;
    }
  dir = g_dir_open (path, 0, NULL);
  if (dir == NULL)
    g_error ("Cannot open %s", path);
  names = g_ptr_array_new_with_free_func (g_free);
  while ((name = g_dir_read_name (dir)) != NULL)
    g_ptr_array_add (names, g_build_filename (path, name, NULL));
  /* Directory order is not reproducible. */
  g_ptr_array_sort (names, compare_paths);
  for (guint i = 0; i < names->len; i++)
    add_seed (seeds, g_ptr_array_index (names, i));
}

static void
run_input (const guint8 *data,
           gsize         size)
{
  current_data = data;
  current_size = size;
  LLVMFuzzerTestOneInput (data, size);
  current_data = NULL;
}

int
main (int    argc,
      char **argv)
{
  int seconds = 10;
  int seed = 1;
  int max_runs = 0;
  g_auto(GStrv) paths = NULL;
  const GOptionEntry entries[] = {
    { "seconds", 0, 0, G_OPTION_ARG_INT, &seconds, "How long to run", "N" },
    { "seed", 0, 0, G_OPTION_ARG_INT, &seed, "The random seed", "N" },
    { "runs", 0, 0, G_OPTION_ARG_INT, &max_runs, "Stop after N mutated inputs (0: no limit)", "N" },
    { G_OPTION_REMAINING, 0, 0, G_OPTION_ARG_FILENAME_ARRAY, &paths, NULL, "DIR|FILE…" },
    { NULL }
  };
  g_autoptr(GOptionContext) context = g_option_context_new ("- fuzz the CSV reader");
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) seeds = g_ptr_array_new_with_free_func ((GDestroyNotify) g_bytes_unref);
  g_autoptr(GRand) rand = NULL;
  g_autoptr(GString) input = g_string_new (NULL);
  gint64 deadline;
  guint64 runs = 0;
  struct sigaction action = { 0 };

  g_option_context_add_main_entries (context, entries, NULL);
  if (!g_option_context_parse (context, &argc, &argv, &error))
    {
      g_printerr ("%s\n", error->message);
      return 2;
    }

  action.sa_handler = on_crash;
  action.sa_flags = SA_RESETHAND;
  sigaction (SIGABRT, &action, NULL);
  sigaction (SIGSEGV, &action, NULL);
  sigaction (SIGBUS, &action, NULL);
  sigaction (SIGFPE, &action, NULL);

  for (guint i = 0; paths != NULL && paths[i] != NULL; i++)
    add_seeds (seeds, paths[i]);
  if (seeds->len == 0)
    g_ptr_array_add (seeds, g_bytes_new_static ("a,b\n\"c\nd\",e\n", 13));

  for (guint i = 0; i < seeds->len; i++)
    {
      gsize len = 0;
      const guint8 *data = g_bytes_get_data (g_ptr_array_index (seeds, i), &len);

      run_input (data, len);
    }

  rand = g_rand_new_with_seed ((guint32) seed);
  deadline = g_get_monotonic_time () + (gint64) seconds * G_USEC_PER_SEC;
  while (g_get_monotonic_time () < deadline && (max_runs <= 0 || runs < (guint64) max_runs))
    {
      gsize len = 0;
      const guint8 *data = g_bytes_get_data (g_ptr_array_index (seeds, g_rand_int_range (rand, 0, (gint32) seeds->len)), &len);

      g_string_truncate (input, 0);
      g_string_append_len (input, (const char *) data, (gssize) MIN (len, MAX_INPUT_SIZE));
      mutate (rand, input, seeds);
      run_input ((const guint8 *) input->str, input->len);
      runs++;
    }

  g_print ("fuzz-csv: %u seeds, %" G_GUINT64_FORMAT " mutated inputs in %d s (seed %d), no crash\n",
           seeds->len, runs, seconds, seed);
  return 0;
}

#endif
