/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <locale.h>
#include <string.h>
#include <time.h>

#include "scim-csv.h"

/* The CSV reader on the files sales teams really have, and the value
 * parsers of the import. */

/* Helpers */

static GInputStream *
stream_for (const char *data,
            gssize      len)
{
  if (len < 0)
    len = (gssize) strlen (data);
  return g_memory_input_stream_new_from_data (g_memdup2 (data, (gsize) len), len, g_free);
}

/* Every record as "line:field|field", one per line, with CR and LF in
 * fields shown as \r and \n, so a whole file compares as one string. */
static char *
read_records (ScimCsvReader  *reader,
              GError        **error)
{
  GString *out = g_string_new (NULL);
  g_autoptr(GPtrArray) fields = NULL;
  guint line;

  while (scim_csv_reader_next (reader, &fields, &line, NULL, error))
    {
      g_string_append_printf (out, "%u:", line);
      for (guint i = 0; i < fields->len; i++)
        {
          const char *field = g_ptr_array_index (fields, i);

          g_assert_true (g_utf8_validate (field, -1, NULL));
          if (i > 0)
            g_string_append_c (out, '|');
          for (const char *p = field; *p != '\0'; p++)
            {
              if (*p == '\r')
                g_string_append (out, "\\r");
              else if (*p == '\n')
                g_string_append (out, "\\n");
              else
                g_string_append_c (out, *p);
            }
        }
      g_string_append_c (out, '\n');
      g_clear_pointer (&fields, g_ptr_array_unref);
    }
  return g_string_free (out, FALSE);
}

/* Reads @data whole; returns the records, or NULL with @error set. */
static char *
parse (const char            *data,
       gssize                 len,
       const ScimCsvOptions  *options,
       GError               **error)
{
  g_autoptr(GInputStream) stream = stream_for (data, len);
  g_autoptr(ScimCsvReader) reader = scim_csv_reader_new (stream, options, NULL, error);
  g_autofree char *records = NULL;
  GError *local = NULL;

  if (reader == NULL)
    return NULL;
  records = read_records (reader, &local);
  if (local != NULL)
    {
      g_propagate_error (error, local);
      return NULL;
    }
  return g_steal_pointer (&records);
}

static char *
parse_ok (const char *data)
{
  g_autoptr(GError) error = NULL;
  char *records = parse (data, -1, NULL, &error);

  g_assert_no_error (error);
  return records;
}

static void
assert_parse_error (const char            *data,
                    gssize                 len,
                    const ScimCsvOptions  *options,
                    ScimCsvError           code,
                    const char            *message_start)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *records = parse (data, len, options, &error);

  g_assert_null (records);
  g_assert_error (error, SCIM_CSV_ERROR, (int) code);
  if (message_start != NULL && !g_str_has_prefix (error->message, message_start))
    g_error ("“%s” does not start with “%s”", error->message, message_start);
}

/* Encodings */

static void
test_utf8 (void)
{
  static const char data[] = "Имя,Телефон,E-mail\nИванов Иван,+7 900 123-45-67,ivan@example.ru\n";
  g_autoptr(GInputStream) stream = stream_for (data, -1);
  g_autoptr(GError) error = NULL;
  g_autoptr(ScimCsvReader) reader = scim_csv_reader_new (stream, NULL, NULL, &error);
  g_autofree char *records = NULL;

  g_assert_no_error (error);
  g_assert_cmpstr (scim_csv_reader_get_encoding_name (reader), ==, "UTF-8");
  g_assert_cmpint (scim_csv_reader_get_encoding (reader), ==, SCIM_CSV_ENCODING_UTF8);
  g_assert_cmpint (scim_csv_reader_get_delimiter (reader), ==, ',');
  g_assert_false (scim_csv_reader_get_had_bom (reader));
  records = read_records (reader, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (records, ==,
                   "1:Имя|Телефон|E-mail\n"
                   "2:Иванов Иван|+7 900 123-45-67|ivan@example.ru\n");
  g_assert_cmpuint (scim_csv_reader_get_bytes_read (reader), ==, strlen (data));
}

static void
test_utf8_bom (void)
{
  static const char data[] = "\xEF\xBB\xBFИмя;Сумма\r\nООО «Ромашка»;150 000,00\r\n";
  g_autoptr(GInputStream) stream = stream_for (data, -1);
  g_autoptr(GError) error = NULL;
  g_autoptr(ScimCsvReader) reader = scim_csv_reader_new (stream, NULL, NULL, &error);
  g_autofree char *records = NULL;

  g_assert_no_error (error);
  g_assert_true (scim_csv_reader_get_had_bom (reader));
  g_assert_cmpstr (scim_csv_reader_get_encoding_name (reader), ==, "UTF-8");
  g_assert_cmpint (scim_csv_reader_get_delimiter (reader), ==, ';');
  records = read_records (reader, &error);
  g_assert_no_error (error);
  /* The mark is not part of the first header. */
  g_assert_cmpstr (records, ==, "1:Имя|Сумма\n2:ООО «Ромашка»|150 000,00\n");
}

static void
test_windows_1251 (void)
{
  static const char text[] =
    "ФИО;Компания;Комментарий\r\n"
    "Пётр Ёлкин;ООО \"\"Ёж\"\";\"Звонить после 14:00, №5 — «срочно»\"\r\n";
  g_autoptr(GError) error = NULL;
  gsize len = 0;
  g_autofree char *cp1251 = g_convert (text, -1, "WINDOWS-1251", "UTF-8", NULL, &len, &error);
  g_autoptr(GInputStream) stream = NULL;
  g_autoptr(ScimCsvReader) reader = NULL;
  g_autofree char *records = NULL;

  g_assert_no_error (error);
  g_assert_false (g_utf8_validate (cp1251, (gssize) len, NULL));
  stream = stream_for (cp1251, (gssize) len);
  reader = scim_csv_reader_new (stream, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (scim_csv_reader_get_encoding_name (reader), ==, "WINDOWS-1251");
  g_assert_cmpint (scim_csv_reader_get_delimiter (reader), ==, ';');
  records = read_records (reader, &error);
  g_assert_no_error (error);
  /* A quote inside an unquoted field is kept as it is. */
  g_assert_cmpstr (records, ==,
                   "1:ФИО|Компания|Комментарий\n"
                   "2:Пётр Ёлкин|ООО \"\"Ёж\"\"|Звонить после 14:00, №5 — «срочно»\n");
}

/* Every byte of the code page decodes as iconv says, across chunk edges. */
static void
test_windows_1251_table (void)
{
  ScimCsvOptions options = { .encoding = SCIM_CSV_ENCODING_WINDOWS_1251, .delimiter = ',', .chunk_size = 7 };
  GString *bytes = g_string_new (NULL);
  g_autofree char *expected = NULL;
  g_autofree char *records = NULL;
  g_autofree char *line = NULL;
  g_autoptr(GError) error = NULL;

  for (guint b = 0x80; b <= 0xFF; b++)
    if (b != 0x98)
      g_string_append_c (bytes, (char) b);
  expected = g_convert (bytes->str, (gssize) bytes->len, "UTF-8", "WINDOWS-1251", NULL, NULL, &error);
  g_assert_no_error (error);
  /* The code page has no quote, comma or line end above 0x7F. */
  records = parse (bytes->str, (gssize) bytes->len, &options, &error);
  g_assert_no_error (error);
  line = g_strdup_printf ("1:%s\n", expected);
  g_assert_cmpstr (records, ==, line);
  g_string_free (bytes, TRUE);

  /* 0x98 is not in the code page. */
  assert_parse_error ("a,b\nc\x98,d\n", -1, &options, SCIM_CSV_ERROR_ENCODING,
                      "Line 2: the text cannot be read as WINDOWS-1251");
}

static void
test_utf16 (void)
{
  static const char text[] = "Имя\tСумма\r\n\"Иванов, Иван\"\t1 500,50\r\n";
  static const struct { const char *charset; const char *bom; const char *name; } cases[] = {
    { "UTF-16LE", "\xFF\xFE", "UTF-16LE" },
    { "UTF-16BE", "\xFE\xFF", "UTF-16BE" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GError) error = NULL;
      gsize len = 0;
      g_autofree char *converted = g_convert (text, -1, cases[i].charset, "UTF-8", NULL, &len, &error);
      g_autoptr(GString) data = g_string_new_len (cases[i].bom, 2);
      g_autoptr(GInputStream) stream = NULL;
      g_autoptr(ScimCsvReader) reader = NULL;
      g_autofree char *records = NULL;

      g_assert_no_error (error);
      g_string_append_len (data, converted, (gssize) len);
      stream = stream_for (data->str, (gssize) data->len);
      reader = scim_csv_reader_new (stream, NULL, NULL, &error);
      g_assert_no_error (error);
      g_assert_true (scim_csv_reader_get_had_bom (reader));
      g_assert_cmpstr (scim_csv_reader_get_encoding_name (reader), ==, cases[i].name);
      g_assert_cmpint (scim_csv_reader_get_delimiter (reader), ==, '\t');
      records = read_records (reader, &error);
      g_assert_no_error (error);
      g_assert_cmpstr (records, ==, "1:Имя|Сумма\n2:Иванов, Иван|1 500,50\n");

      /* An odd number of bytes ends inside a character. */
      g_string_append_c (data, 'x');
      assert_parse_error (data->str, (gssize) data->len, NULL, SCIM_CSV_ERROR_ENCODING,
                          "Line 3: the text cannot be read as UTF-16");
    }
}

static void
test_encoding_unknown (void)
{
  ScimCsvOptions options = { .chunk_size = 16 };

  /* High bytes that are neither UTF-8 nor Russian in Windows-1251. */
  assert_parse_error ("name,note\nx,\x80\x81\x82\x83\x84\x85\x86\x87\n", -1, NULL,
                      SCIM_CSV_ERROR_ENCODING, "Cannot tell the encoding of the file");
  /* The first chunk is ASCII, so UTF-8; a bad byte later names its line. */
  assert_parse_error ("name,note\nIvan,ok\nPetr,\xCF\xE5\xF2\xF0\n", -1, &options,
                      SCIM_CSV_ERROR_ENCODING, "Line 3: the text is not valid UTF-8");
  /* A character cut by the end of the file. */
  assert_parse_error ("name\n\xD0", -1, NULL, SCIM_CSV_ERROR_ENCODING,
                      "Line 2: the text is not valid UTF-8");
}

static void
test_binary (void)
{
  static const char png[] = "\x89PNG\r\n\x1A\n\0\0\0\rIHDR\0\0\0\x10\0\0\0\x10\x08\x06\0\0\0";
  ScimCsvOptions options = { .chunk_size = 8 };
  g_autoptr(GRand) rand = g_rand_new_with_seed (4);
  char noise[4096];

  assert_parse_error (png, sizeof png - 1, NULL, SCIM_CSV_ERROR_BINARY, "This is a binary file, not CSV");
  for (guint i = 0; i < sizeof noise; i++)
    noise[i] = (char) g_rand_int_range (rand, 0, 256);
  assert_parse_error (noise, sizeof noise, NULL, SCIM_CSV_ERROR_BINARY, NULL);
  /* Control characters without a NUL. */
  assert_parse_error ("\x01\x02\x03\x04\x05\x06\x07\x08,a\n", -1, NULL, SCIM_CSV_ERROR_BINARY, NULL);
  /* U+0000 in UTF-16 is a NUL too. */
  assert_parse_error ("\xFF\xFE" "a\0\n\0b\0\0\0\n\0", 12, NULL, SCIM_CSV_ERROR_BINARY,
                      "Line 2: the file contains a NUL byte");
  /* A NUL after the first chunk. */
  assert_parse_error ("a,b\nc,d\ne,f\0g\n", 14, &options, SCIM_CSV_ERROR_BINARY,
                      "Line 3: the file contains a NUL byte");
}

static void
test_empty (void)
{
  ScimCsvOptions options = { .chunk_size = 2 };

  assert_parse_error ("", 0, NULL, SCIM_CSV_ERROR_EMPTY, "The file is empty");
  assert_parse_error ("\xEF\xBB\xBF", -1, NULL, SCIM_CSV_ERROR_EMPTY, NULL);
  assert_parse_error ("\r\n\n  \r\n", -1, NULL, SCIM_CSV_ERROR_EMPTY, NULL);
  assert_parse_error ("\xFF\xFE", -1, NULL, SCIM_CSV_ERROR_EMPTY, NULL);
  /* Line ends beyond the first chunk: the first record read says it. */
  assert_parse_error ("\n\n\r\n\r\n\n\n", -1, &options, SCIM_CSV_ERROR_EMPTY, "The file is empty");
}

/* Delimiters */

static void
test_delimiter (void)
{
  static const struct { const char *data; char delimiter; } cases[] = {
    { "a,b,c\n1,2,3\n", ',' },
    { "a;b;c\n1;2;3\n", ';' },
    { "a\tb\tc\n1\t2\t3\n", '\t' },
    /* Both split every line the same way: the Russian Excel one wins. */
    { "a;b,c\n1;2,3\n", ';' },
    /* Decimal commas in a semicolon file. */
    { "Имя;Сумма\nИван;150,00\nПётр;1 500,5\n", ';' },
    /* Commas in the text of a tab separated file. */
    { "name\tnote\nIvan\tcall, then write\nPetr\tno\n", '\t' },
    /* Delimiters inside quotes do not count. */
    { "name,note\n\"Ivan\",\"a; b; c\"\n\"Petr\",\"d;e\"\n", ',' },
    /* A quoted line break inside the first records. */
    { "name;note\nIvan;\"one\ntwo,three\"\nPetr;x\n", ';' },
    /* One bad row among the first ones. */
    { "a,b,c\n1,2,3\n4,5\n6,7,8\n9,10,11\n", ',' },
    /* One column. */
    { "email\na@example.ru\nb@example.ru\n", ',' },
    /* Only a header: the one that splits it most. */
    { "id,name,phone,email;note", ',' },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      ScimCsvOptions options = { 0 };
      g_autoptr(GError) error = NULL;

      g_test_message ("case %u", i);
      g_assert_true (scim_csv_sniff (cases[i].data, strlen (cases[i].data), &options, &error));
      g_assert_no_error (error);
      g_assert_cmpint (options.delimiter, ==, cases[i].delimiter);
      g_assert_cmpint (options.encoding, ==, SCIM_CSV_ENCODING_UTF8);
      g_assert_false (options.has_bom);
    }
}

static void
test_delimiter_given (void)
{
  ScimCsvOptions options = { .delimiter = ';' };
  g_autoptr(GError) error = NULL;
  g_autofree char *records = parse ("a,b;c\n", -1, &options, &error);

  g_assert_no_error (error);
  g_assert_cmpstr (records, ==, "1:a,b|c\n");
}

/* Quotes and lines */

static void
test_quotes (void)
{
  g_autofree char *records = parse_ok (
    "name,note,amount\n"
    "\"Иванов, Иван\",\"He said \"\"yes\"\"\",\"1,5\"\n"
    "\"\",\"multi\nline\r\nnote\",\n"
    "Petr \"the Great\",x\"y,\"\"\"\"\n"
    "\"a\"\"\",,\n");

  g_assert_cmpstr (records, ==,
                   "1:name|note|amount\n"
                   "2:Иванов, Иван|He said \"yes\"|1,5\n"
                   "3:|multi\\nline\\r\\nnote|\n"
                   "6:Petr \"the Great\"|x\"y|\"\n"
                   "7:a\"||\n");
}

static void
test_line_ends (void)
{
  static const struct { const char *data; const char *records; } cases[] = {
    { "a,b\r\nc,d\r\n", "1:a|b\n2:c|d\n" },
    { "a,b\rc,d\r", "1:a|b\n2:c|d\n" },
    { "a,b\nc,d", "1:a|b\n2:c|d\n" },
    { "a,b\r\nc,d\re,f\ng,h", "1:a|b\n2:c|d\n3:e|f\n4:g|h\n" },
    /* Blank lines are no records, but they are lines. */
    { "a,b\n\n\r\nc,d\n\n", "1:a|b\n4:c|d\n" },
    /* A trailing delimiter is an empty last field. */
    { "a,b,\nc,", "1:a|b|\n2:c|\n" },
    /* Quoted line breaks of each kind move the next record down. */
    { "a,\"1\r\n2\r3\n4\"\r\nb,c\n", "1:a|1\\r\\n2\\r3\\n4\n5:b|c\n" },
    { "\"x\"\r\n\"y\"", "1:x\n2:y\n" },
    /* A quoted empty field is a record, unlike a blank line. */
    { "a\n\"\"\nb\n", "1:a\n2:\n3:b\n" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      ScimCsvOptions options = { .delimiter = ',' };
      g_autoptr(GError) error = NULL;
      g_autofree char *records = NULL;

      g_test_message ("case %u", i);
      records = parse (cases[i].data, -1, &options, &error);
      g_assert_no_error (error);
      g_assert_cmpstr (records, ==, cases[i].records);
    }
}

/* Whatever the chunk size, the records are the same: chunk edges may cut
 * a character, a CR LF pair or a doubled quote. */
static void
test_chunks (void)
{
  static const char data[] =
    "Имя;Заметка\r\n"
    "\"Ёлкин\";\"строка\r\nещё \"\"цитата\"\" €\"\r\n"
    "\r\n"
    "Пётр;\"\"\"\";последнее\r"
    "𝔘;конец";
  g_autofree char *expected = NULL;

  for (gsize chunk = 1; chunk <= 40; chunk++)
    {
      ScimCsvOptions options = { .encoding = SCIM_CSV_ENCODING_UTF8, .delimiter = ';', .chunk_size = chunk };
      g_autoptr(GError) error = NULL;
      g_autofree char *records = parse (data, -1, &options, &error);

      g_assert_no_error (error);
      if (expected == NULL)
        {
          g_assert_cmpstr (records, ==,
                           "1:Имя|Заметка\n"
                           "2:Ёлкин|строка\\r\\nещё \"цитата\" €\n"
                           "5:Пётр|\"|последнее\n"
                           "6:𝔘|конец\n");
          expected = g_steal_pointer (&records);
        }
      else
        g_assert_cmpstr (records, ==, expected);
    }
}

/* Errors */

static void
test_unclosed_quote (void)
{
  assert_parse_error ("name,note\nIvan,ok\nPetr,\"never\nclosed\nat all\n", -1, NULL,
                      SCIM_CSV_ERROR_UNCLOSED_QUOTE, "Line 3: a quoted field is not closed");
  assert_parse_error ("\"a", -1, NULL, SCIM_CSV_ERROR_UNCLOSED_QUOTE, "Line 1:");
}

static void
test_text_after_quote (void)
{
  ScimCsvOptions options = { .delimiter = ',' };
  g_autoptr(GInputStream) stream = stream_for ("a,b\n\"x\" y,z\n\"q\nr\"s,t\nc,d\n", -1);
  g_autoptr(ScimCsvReader) reader = scim_csv_reader_new (stream, &options, NULL, NULL);
  g_autoptr(GPtrArray) fields = NULL;
  g_autoptr(GError) error = NULL;
  guint line = 0;

  g_assert_true (scim_csv_reader_next (reader, &fields, &line, NULL, &error));
  g_assert_cmpuint (line, ==, 1);
  g_clear_pointer (&fields, g_ptr_array_unref);

  g_assert_false (scim_csv_reader_next (reader, &fields, &line, NULL, &error));
  g_assert_error (error, SCIM_CSV_ERROR, SCIM_CSV_ERROR_BAD_QUOTE);
  g_assert_true (g_str_has_prefix (error->message, "Line 2: unexpected text after a closing quote"));
  g_assert_null (fields);
  g_clear_error (&error);

  /* The reader skips the rest of the line and goes on. */
  g_assert_false (scim_csv_reader_next (reader, &fields, &line, NULL, &error));
  g_assert_error (error, SCIM_CSV_ERROR, SCIM_CSV_ERROR_BAD_QUOTE);
  g_assert_true (g_str_has_prefix (error->message, "Line 4:"));
  g_clear_error (&error);

  g_assert_true (scim_csv_reader_next (reader, &fields, &line, NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (line, ==, 5);
  g_assert_cmpstr (g_ptr_array_index (fields, 0), ==, "c");
  g_clear_pointer (&fields, g_ptr_array_unref);
  g_assert_false (scim_csv_reader_next (reader, &fields, &line, NULL, &error));
  g_assert_no_error (error);
}

static void
test_too_long (void)
{
  GString *data = g_string_new ("name,note\nIvan,ok\nPetr,\"");
  ScimCsvOptions small = { .delimiter = ',', .max_record = 100 };
  g_autoptr(GString) many = g_string_new ("a,b\n");
  gsize before;

  /* An unclosed quote swallows the file until the limit stops it. */
  for (guint i = 0; i < 120000; i++)
    g_string_append (data, "0123456789\n");
  before = data->len;
  assert_parse_error (data->str, (gssize) data->len, NULL, SCIM_CSV_ERROR_TOO_LONG,
                      "Line 3: a field is too long (over 1.0");
  g_assert_cmpuint (before, >, SCIM_CSV_DEFAULT_MAX_RECORD);
  g_string_free (data, TRUE);

  for (guint i = 0; i < 60; i++)
    g_string_append (many, "x,");
  g_string_append (many, "\n");
  assert_parse_error (many->str, (gssize) many->len, &small, SCIM_CSV_ERROR_TOO_LONG,
                      "Line 2: the row is too long (over 100");
}

static void
test_errors_repeat (void)
{
  g_autoptr(GInputStream) stream = stream_for ("a\n\"b", -1);
  g_autoptr(ScimCsvReader) reader = scim_csv_reader_new (stream, NULL, NULL, NULL);
  g_autoptr(GPtrArray) fields = NULL;
  g_autoptr(GError) error = NULL;

  g_assert_true (scim_csv_reader_next (reader, &fields, NULL, NULL, &error));
  g_clear_pointer (&fields, g_ptr_array_unref);
  for (guint i = 0; i < 2; i++)
    {
      g_assert_false (scim_csv_reader_next (reader, &fields, NULL, NULL, &error));
      g_assert_error (error, SCIM_CSV_ERROR, SCIM_CSV_ERROR_UNCLOSED_QUOTE);
      g_clear_error (&error);
    }
}

static void
test_cancel (void)
{
  g_autoptr(GInputStream) stream = stream_for ("a,b\nc,d\n", -1);
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(ScimCsvReader) reader = scim_csv_reader_new (stream, NULL, cancellable, NULL);
  g_autoptr(GPtrArray) fields = NULL;
  g_autoptr(GError) error = NULL;

  g_cancellable_cancel (cancellable);
  g_assert_false (scim_csv_reader_next (reader, &fields, NULL, cancellable, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
}

static void
test_field_count (void)
{
  g_autoptr(GError) error = NULL;

  g_assert_true (scim_csv_check_field_count (3, 5, 5, &error));
  g_assert_no_error (error);
  g_assert_false (scim_csv_check_field_count (12, 7, 5, &error));
  g_assert_error (error, SCIM_CSV_ERROR, SCIM_CSV_ERROR_FIELD_COUNT);
  g_assert_true (g_str_has_prefix (error->message, "Line 12 has 7 fields, but the header has 5."));
  g_clear_error (&error);
  g_assert_false (scim_csv_check_field_count (4, 1, 5, &error));
  g_assert_true (g_str_has_prefix (error->message, "Line 4 has 1 field, but"));
}

/* Streaming: a generated file of about 30 MB, never in memory whole. */

#define ROW_STREAM_BYTES (30 * 1024 * 1024)

#define TEST_TYPE_ROW_STREAM (test_row_stream_get_type ())
G_DECLARE_FINAL_TYPE (TestRowStream, test_row_stream, TEST, ROW_STREAM, GInputStream)

struct _TestRowStream
{
  GInputStream parent_instance;
  char         row[256];
  gsize        row_len;
  gsize        row_pos;
  guint        n_rows;
  guint64      total;
};

G_DEFINE_FINAL_TYPE (TestRowStream, test_row_stream, G_TYPE_INPUT_STREAM)

/* Every 100th row has a note over two lines. */
static void
test_row_stream_next_row (TestRowStream *self)
{
  if (self->n_rows == 0)
    self->row_len = (gsize) g_snprintf (self->row, sizeof self->row, "id;ФИО;Сумма;Заметка\r\n");
  else
    self->row_len = (gsize) g_snprintf (self->row, sizeof self->row,
                                        "%u;Иванов Иван %u;150 000,%02u;%s\r\n",
                                        self->n_rows, self->n_rows, self->n_rows % 100,
                                        self->n_rows % 100 == 0 ? "\"строка\r\nещё\"" : "ok");
  self->row_pos = 0;
  self->n_rows++;
}

static gssize
test_row_stream_read (GInputStream  *stream,
                      void          *buffer,
                      gsize          count,
                      GCancellable  *cancellable,
                      GError       **error)
{
  TestRowStream *self = TEST_ROW_STREAM (stream);
  gsize done = 0;

  while (done < count && self->total < ROW_STREAM_BYTES)
    {
      gsize n;

      if (self->row_pos == self->row_len)
        test_row_stream_next_row (self);
      n = MIN (count - done, self->row_len - self->row_pos);
      memcpy ((char *) buffer + done, self->row + self->row_pos, n);
      self->row_pos += n;
      done += n;
      /* End on a whole row. */
      if (self->row_pos == self->row_len)
        self->total += self->row_len;
    }
  return (gssize) done;
}

static void
test_row_stream_class_init (TestRowStreamClass *klass)
{
  G_INPUT_STREAM_CLASS (klass)->read_fn = test_row_stream_read;
}

static void
test_row_stream_init (TestRowStream *self)
{
}

static void
test_streaming (void)
{
  g_autoptr(GInputStream) stream = g_object_new (TEST_TYPE_ROW_STREAM, NULL);
  TestRowStream *rows = TEST_ROW_STREAM (stream);
  g_autoptr(GError) error = NULL;
  g_autoptr(ScimCsvReader) reader = scim_csv_reader_new (stream, NULL, NULL, &error);
  g_autoptr(GPtrArray) fields = NULL;
  guint n = 0;
  guint line = 0;
  guint expected_line = 1;

  g_assert_no_error (error);
  g_assert_cmpint (scim_csv_reader_get_delimiter (reader), ==, ';');
  while (scim_csv_reader_next (reader, &fields, &line, NULL, &error))
    {
      g_assert_cmpuint (fields->len, ==, 4);
      g_assert_cmpuint (line, ==, expected_line);
      expected_line += n > 0 && n % 100 == 0 ? 2 : 1;
      if (n == 100)
        g_assert_cmpstr (g_ptr_array_index (fields, 3), ==, "строка\r\nещё");
      n++;
      g_clear_pointer (&fields, g_ptr_array_unref);
    }
  g_assert_no_error (error);
  g_assert_cmpuint (n, ==, rows->n_rows);
  g_assert_cmpuint (n, >, 500000);
  g_assert_cmpuint (scim_csv_reader_get_bytes_read (reader), ==, rows->total);
  g_test_message ("%u records, %" G_GUINT64_FORMAT " bytes, peak buffers %" G_GSIZE_FORMAT " bytes",
                  n, rows->total, scim_csv_reader_get_buffer_size (reader));
  g_assert_cmpuint (scim_csv_reader_get_buffer_size (reader), <, 512 * 1024);
}

/* Values */

static void
test_date (void)
{
  static const struct { const char *text; gboolean ok; gint64 unix_utc; } cases[] = {
    { "27.11.2026 14:30", TRUE, 1795779000 },
    { "27.11.2026", TRUE, 1795726800 },
    { "  27.11.2026  ", TRUE, 1795726800 },
    { "2026-11-27", TRUE, 1795726800 },
    { "2026-11-27 14:30", TRUE, 1795779000 },
    { "2026-11-27T14:30", TRUE, 1795779000 },
    { "2026-11-27T14:30:15", TRUE, 1795779015 },
    { "2026-11-27 14:30:15.250", TRUE, 1795779015 },
    { "27/11/2026", TRUE, 1795726800 },
    { "27/11/2026 14:30", TRUE, 1795779000 },
    { "7.1.2026", TRUE, 1767733200 },
    { "2026-11-27T14:30:00Z", TRUE, 1795789800 },
    { "2026-11-27T14:30+05:00", TRUE, 1795771800 },
    { "2026-11-27 14:30 +0500", TRUE, 1795771800 },
    { "31.02.2026", FALSE, 0 },
    { "29.02.2026", FALSE, 0 },
    { "2026-13-01", FALSE, 0 },
    { "2026-00-10", FALSE, 0 },
    { "00.11.2026", FALSE, 0 },
    { "11/27/2026", FALSE, 0 },
    { "27.11.26", FALSE, 0 },
    { "27.11.2026 24:00", FALSE, 0 },
    { "27.11.2026 14:60", FALSE, 0 },
    { "27.11.2026 14", FALSE, 0 },
    { "27.11.2026T14:30", FALSE, 0 },
    { "27-11.2026", FALSE, 0 },
    { "2026-11-27 14:30 Europe/Moscow", FALSE, 0 },
    { "01.01.0001", FALSE, 0 },
    { "27.11.20261", FALSE, 0 },
    { "", FALSE, 0 },
    { "завтра", FALSE, 0 },
  };
  gint64 leap = 0;

  g_setenv ("TZ", "Europe/Moscow", TRUE);
  tzset ();
  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      gint64 unix_utc = -1;
      gboolean ok = scim_csv_parse_date (cases[i].text, &unix_utc);

      g_test_message ("“%s”", cases[i].text);
      g_assert_cmpint (ok, ==, cases[i].ok);
      if (ok)
        g_assert_cmpint (unix_utc, ==, cases[i].unix_utc);
      else
        g_assert_cmpint (unix_utc, ==, -1);
    }
  g_assert_true (scim_csv_parse_date ("29.02.2028", &leap));
  g_assert_false (scim_csv_parse_date (NULL, &leap));
}

static void
test_amount (void)
{
  static const struct { const char *text; gboolean ok; gint64 minor; } cases[] = {
    { "150 000,00", TRUE, 15000000 },
    { "150000.00", TRUE, 15000000 },
    { "150 000", TRUE, 15000000 },
    { "150\u00A0000,50", TRUE, 15000050 },
    { "1\u202F500\u202F000", TRUE, 150000000 },
    { "150'000.5", TRUE, 15000050 },
    { "1,5", TRUE, 150 },
    { "-10,25", TRUE, -1025 },
    { "−10,25", TRUE, -1025 },
    { "+7", TRUE, 700 },
    { "0", TRUE, 0 },
    { "150 000 ₽", TRUE, 15000000 },
    { "₽150", TRUE, 15000 },
    { "150 000,00 руб.", TRUE, 15000000 },
    { "150руб", TRUE, 15000 },
    { "99 р.", TRUE, 9900 },
    { "RUB 1 000", TRUE, 100000 },
    { "1000 RUB", TRUE, 100000 },
    { "- 5 руб.", TRUE, -500 },
    { "₽ -5", TRUE, -500 },
    { "1.234.567,89", TRUE, 123456789 },
    { "1,234,567.89", TRUE, 123456789 },
    { "1,234,567", TRUE, 123456700 },
    { "  42  ", TRUE, 4200 },
    { "1,2,3", FALSE, 0 },
    { "abc", FALSE, 0 },
    { "1.234,56.7", FALSE, 0 },
    { "1.234", FALSE, 0 },
    { "1,555", FALSE, 0 },
    { "1 50", FALSE, 0 },
    { "1500 000", FALSE, 0 },
    { "150  000", FALSE, 0 },
    { "150,", FALSE, 0 },
    { ",5", FALSE, 0 },
    { "1,5 $", FALSE, 0 },
    { "--5", FALSE, 0 },
    { "5-", FALSE, 0 },
    { "₽", FALSE, 0 },
    { "", FALSE, 0 },
    { "1e5", FALSE, 0 },
    { "92233720368547758,07", TRUE, G_MAXINT64 },
    { "92233720368547759", FALSE, 0 },
    { "99999999999999999999999", FALSE, 0 },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      gint64 minor = -1;
      gboolean ok = scim_csv_parse_amount (cases[i].text, &minor);

      g_test_message ("“%s”", cases[i].text);
      g_assert_cmpint (ok, ==, cases[i].ok);
      if (ok)
        g_assert_cmpint (minor, ==, cases[i].minor);
    }
  g_assert_false (scim_csv_parse_amount ("\xFF", &(gint64) { 0 }));
}

static void
test_phone (void)
{
  static const struct { const char *text; const char *phone; } cases[] = {
    { "+7 (900) 123-45-67", "79001234567" },
    { "8 900 123 45 67", "79001234567" },
    { "900 123-45-67", "79001234567" },
    { "+1 212 555 0100", "12125550100" },
    { "(495) 123-45-67", "74951234567" },
    { "8 800 555-35-35", "78005553535" },
    { "+44 20 7946 0958", "442079460958" },
    { "12-34", "" },
    { "нет", "" },
    { "", "" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *phone = scim_csv_normalize_phone (cases[i].text);

      g_assert_cmpstr (phone, ==, cases[i].phone);
    }
}

static void
test_email (void)
{
  static const struct { const char *text; const char *email; } cases[] = {
    { "  Ivan.Petrov@Example.RU ", "ivan.petrov@example.ru" },
    { "\u00A0ПЁТР@почта.рф\t", "пётр@почта.рф" },
    { "mailto:A@B.ru", "a@b.ru" },
    { "ivan.example.ru", "" },
    { "", "" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *email = scim_csv_normalize_email (cases[i].text);

      g_assert_cmpstr (email, ==, cases[i].email);
    }
}

int
main (int    argc,
      char **argv)
{
  setlocale (LC_ALL, "C.UTF-8");
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/csv/encoding/utf-8", test_utf8);
  g_test_add_func ("/csv/encoding/utf-8-bom", test_utf8_bom);
  g_test_add_func ("/csv/encoding/windows-1251", test_windows_1251);
  g_test_add_func ("/csv/encoding/windows-1251-table", test_windows_1251_table);
  g_test_add_func ("/csv/encoding/utf-16", test_utf16);
  g_test_add_func ("/csv/encoding/unknown", test_encoding_unknown);
  g_test_add_func ("/csv/binary", test_binary);
  g_test_add_func ("/csv/empty", test_empty);
  g_test_add_func ("/csv/delimiter/detect", test_delimiter);
  g_test_add_func ("/csv/delimiter/given", test_delimiter_given);
  g_test_add_func ("/csv/quotes", test_quotes);
  g_test_add_func ("/csv/line-ends", test_line_ends);
  g_test_add_func ("/csv/chunks", test_chunks);
  g_test_add_func ("/csv/error/unclosed-quote", test_unclosed_quote);
  g_test_add_func ("/csv/error/text-after-quote", test_text_after_quote);
  g_test_add_func ("/csv/error/too-long", test_too_long);
  g_test_add_func ("/csv/error/repeats", test_errors_repeat);
  g_test_add_func ("/csv/cancel", test_cancel);
  g_test_add_func ("/csv/field-count", test_field_count);
  g_test_add_func ("/csv/streaming", test_streaming);
  g_test_add_func ("/csv/parse/date", test_date);
  g_test_add_func ("/csv/parse/amount", test_amount);
  g_test_add_func ("/csv/parse/phone", test_phone);
  g_test_add_func ("/csv/parse/email", test_email);
  return g_test_run ();
}
