/*
 * The Bedside C ABI exercised from C, built and run under valgrind by
 * bindings/c/tests/c_programs.rs.
 *
 *   test_bedside vectors CASES OUT
 *       CASES has one case a line, "MODE<TAB>HEX-INPUT" (MODE is scan,
 *       bracketed, unbracketed or dl). For each case two lines go to OUT: the
 *       result in that form and the result with BEDSIDE_INPUT_FORM_AUTO, as
 *       "VERDICT<TAB>CLASS<TAB>AI<TAB>OFFSET<TAB>LEN<TAB>COUNT<TAB>BRACKETED".
 *       The Rust test compares them with the Rust API's answers.
 *
 *   test_bedside checks BUDGET_MS
 *       Self-checking cases: hostile inputs (NULL pointers, invalid UTF-8,
 *       NUL bytes, 1 MiB inputs), every render, NHS numbers, wristbands,
 *       barcode encode and read back, and threads sharing handles. Exits 1
 *       on the first failed expectation.
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bedside.h"

/*
 * The layouts bindings/c/README.md gives to C# (StructLayout.Sequential) and
 * Java (JNA, Panama offsets) on 64-bit targets: a change here is an ABI change.
 */
#if SIZE_MAX == UINT64_MAX
#include <stddef.h>
_Static_assert(sizeof(BedsideBytes) == 16, "BedsideBytes");
_Static_assert(sizeof(BedsideBuffer) == 24, "BedsideBuffer");
_Static_assert(sizeof(BedsideGs1Options) == 24 && offsetof(BedsideGs1Options, gs_substitute) == 8, "options");
_Static_assert(sizeof(BedsideGs1Info) == 88 && offsetof(BedsideGs1Info, element_count) == 80, "gs1 info");
_Static_assert(offsetof(BedsideGs1Info, error_offset) == 24 && offsetof(BedsideGs1Info, error_message) == 40, "gs1 info");
_Static_assert(sizeof(BedsideGs1Element) == 48, "gs1 element");
_Static_assert(sizeof(BedsideNhsInfo) == 240 && offsetof(BedsideNhsInfo, formatted) == 29, "nhs info");
_Static_assert(offsetof(BedsideNhsInfo, message) == 48, "nhs info");
_Static_assert(sizeof(BedsideWristbandInfo) == 192, "wristband info");
_Static_assert(offsetof(BedsideWristbandInfo, error_message) == 48, "wristband info");
_Static_assert(offsetof(BedsideWristbandInfo, nhs_number_display) == 80, "wristband info");
_Static_assert(offsetof(BedsideWristbandInfo, family_name) == 128, "wristband info");
_Static_assert(offsetof(BedsideWristbandInfo, given_name) == 144, "wristband info");
_Static_assert(offsetof(BedsideWristbandInfo, birth_year) == 178 && offsetof(BedsideWristbandInfo, sex) == 185,
               "wristband info");
_Static_assert(sizeof(BedsideWristbandPolicyConfig) == 24, "policy config");
_Static_assert(sizeof(BedsideReaderOptions) == 12, "reader options");
#endif

static int checks = 0;

#define EXPECT(cond)                                                                 \
    do {                                                                             \
        checks++;                                                                    \
        if (!(cond)) {                                                               \
            fprintf(stderr, "%s:%d: expectation failed: %s\n", __FILE__, __LINE__, #cond); \
            exit(1);                                                                 \
        }                                                                            \
    } while (0)

#define EXPECT_STATUS(call, want) EXPECT((call) == (want))

static int bytes_eq(BedsideBytes b, const char *s) {
    size_t n = strlen(s);
    return b.ptr != NULL && b.len == n && memcmp(b.ptr, s, n) == 0;
}

static int buffer_eq(const BedsideBuffer *b, const char *s) {
    size_t n = strlen(s);
    return b->data != NULL && b->len == n && memcmp(b->data, s, n) == 0 && b->data[n] == 0;
}

static const uint8_t *u8(const char *s) { return (const uint8_t *)s; }

/* ---------------------------------------------------------------- vectors */

static int hexval(int c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

static void emit(FILE *out, BedsideGs1Result *r) {
    BedsideGs1Info info;
    EXPECT_STATUS(bedside_gs1_result_info(r, &info), BEDSIDE_STATUS_OK);
    const char *verdict = info.verdict == BEDSIDE_VERDICT_VALID     ? "valid"
                          : info.verdict == BEDSIDE_VERDICT_INVALID ? "invalid"
                                                                    : "non-gs1";
    fprintf(out, "%s\t%s\t%.*s\t", verdict, bedside_error_class_name((int32_t)info.error_class),
            (int)info.error_ai.len, (const char *)info.error_ai.ptr);
    if (info.verdict == BEDSIDE_VERDICT_INVALID) {
        fprintf(out, "%zu\t%zu\t", info.error_offset, info.error_len);
    } else {
        fprintf(out, "-\t-\t");
    }
    fprintf(out, "%zu\t", info.element_count);
    BedsideBuffer b;
    BedsideStatus s = bedside_gs1_to_bracketed(r, &b);
    if (info.verdict == BEDSIDE_VERDICT_VALID) {
        EXPECT(s == BEDSIDE_STATUS_OK);
        fprintf(out, "%s", (const char *)b.data);
        /* Every element is reachable and the last index + 1 is out of range. */
        for (size_t i = 0; i < info.element_count; i++) {
            BedsideGs1Element e;
            EXPECT_STATUS(bedside_gs1_result_element(r, i, &e), BEDSIDE_STATUS_OK);
            EXPECT(e.ai.len >= 2 && e.ai.len <= 4);
        }
        BedsideGs1Element e;
        EXPECT_STATUS(bedside_gs1_result_element(r, info.element_count, &e),
                      BEDSIDE_STATUS_OUT_OF_RANGE);
    } else {
        EXPECT(s == BEDSIDE_STATUS_NO_MESSAGE && b.data == NULL);
        fprintf(out, "-");
    }
    bedside_buffer_free(&b);
    fprintf(out, "\n");
}

static int run_vectors(const char *cases_path, const char *out_path) {
    FILE *in = fopen(cases_path, "r");
    FILE *out = fopen(out_path, "w");
    if (in == NULL || out == NULL) {
        fprintf(stderr, "cannot open %s or %s\n", cases_path, out_path);
        return 2;
    }
    BedsideGs1Options opts = bedside_gs1_options_default();
    /* As the GS1 crate's engine-vector test: CR/LF are data, not scanner suffixes. */
    opts.strip_line_endings = 0;
    size_t cap = 1 << 16;
    char *line = malloc(cap);
    uint8_t *input = malloc(cap);
    size_t n_cases = 0;
    while (fgets(line, (int)cap, in) != NULL) {
        char *tab = strchr(line, '\t');
        EXPECT(tab != NULL);
        *tab = 0;
        const char *mode = line;
        const char *hex = tab + 1;
        size_t len = 0;
        while (hexval(hex[0]) >= 0 && hexval(hex[1]) >= 0) {
            input[len++] = (uint8_t)(hexval(hex[0]) * 16 + hexval(hex[1]));
            hex += 2;
        }
        uint32_t form = strcmp(mode, "scan") == 0          ? BEDSIDE_INPUT_FORM_SCAN_DATA
                        : strcmp(mode, "bracketed") == 0   ? BEDSIDE_INPUT_FORM_BRACKETED
                        : strcmp(mode, "unbracketed") == 0 ? BEDSIDE_INPUT_FORM_UNBRACKETED
                        : strcmp(mode, "dl") == 0          ? BEDSIDE_INPUT_FORM_DIGITAL_LINK
                                                           : 99;
        EXPECT(form != 99);
        uint32_t forms[2] = {form, BEDSIDE_INPUT_FORM_AUTO};
        for (int k = 0; k < 2; k++) {
            BedsideGs1Result *r = (BedsideGs1Result *)1;
            EXPECT_STATUS(bedside_gs1_parse(forms[k], input, len, &opts, &r), BEDSIDE_STATUS_OK);
            EXPECT(r != NULL);
            emit(out, r);
            bedside_gs1_result_free(r);
        }
        n_cases++;
    }
    free(line);
    free(input);
    fclose(in);
    fclose(out);
    printf("vectors: %zu cases, %d checks\n", n_cases, checks);
    return 0;
}

/* ----------------------------------------------------------------- checks */

static BedsideGs1Result *parse(uint32_t form, const char *text, const BedsideGs1Options *opts) {
    BedsideGs1Result *r = NULL;
    EXPECT_STATUS(bedside_gs1_parse(form, u8(text), strlen(text), opts, &r), BEDSIDE_STATUS_OK);
    EXPECT(r != NULL);
    return r;
}

static BedsideGs1Info info_of(const BedsideGs1Result *r) {
    BedsideGs1Info info;
    EXPECT_STATUS(bedside_gs1_result_info(r, &info), BEDSIDE_STATUS_OK);
    return info;
}

static void check_static_strings(void) {
    const char *v = bedside_version();
    EXPECT(v != NULL && strchr(v, '.') != NULL);
    EXPECT(strcmp(bedside_status_message(BEDSIDE_STATUS_OK), "ok") == 0);
    for (int code = 0; code <= 8; code++) {
        EXPECT(strcmp(bedside_status_message(code), "unknown status") != 0);
    }
    EXPECT(strcmp(bedside_status_message(BEDSIDE_STATUS_PANIC), "unknown status") != 0);
    EXPECT(strcmp(bedside_status_message(-1), "unknown status") == 0);
    EXPECT(strcmp(bedside_status_message(9), "unknown status") == 0);
    EXPECT(strcmp(bedside_error_class_name(BEDSIDE_ERROR_CLASS_BAD_CHECK_DIGIT), "BAD_CHECK_DIGIT") == 0);
    EXPECT(strcmp(bedside_error_class_name(BEDSIDE_ERROR_CLASS_LIMIT), "LIMIT") == 0);
    EXPECT(strcmp(bedside_error_class_name(BEDSIDE_ERROR_CLASS_NONE), "") == 0);
    EXPECT(strcmp(bedside_error_class_name(12345), "") == 0);
}

static void check_gs1_valid_and_renders(void) {
    BedsideGs1Result *r = parse(BEDSIDE_INPUT_FORM_BRACKETED, "(01)09506000134352(17)261231(10)AB1", NULL);
    BedsideGs1Info info = info_of(r);
    EXPECT(info.verdict == BEDSIDE_VERDICT_VALID);
    EXPECT(info.error_class == BEDSIDE_ERROR_CLASS_NONE);
    EXPECT(info.content == BEDSIDE_CONTENT_KIND_GS1);
    EXPECT(info.symbology == BEDSIDE_GS1_SYMBOLOGY_NONE);
    EXPECT(info.element_count == 3);
    EXPECT(info.error_message.ptr != NULL && info.error_message.len == 0);

    BedsideGs1Element e;
    EXPECT_STATUS(bedside_gs1_result_element(r, 1, &e), BEDSIDE_STATUS_OK);
    EXPECT(bytes_eq(e.ai, "17") && bytes_eq(e.value, "261231") && e.offset == 22 && e.fnc1_required == 0);
    EXPECT_STATUS(bedside_gs1_result_element(r, 2, &e), BEDSIDE_STATUS_OK);
    EXPECT(bytes_eq(e.ai, "10") && bytes_eq(e.value, "AB1") && e.fnc1_required == 1);
    EXPECT_STATUS(bedside_gs1_result_element(r, 3, &e), BEDSIDE_STATUS_OUT_OF_RANGE);
    EXPECT_STATUS(bedside_gs1_result_element(r, (size_t)-1, &e), BEDSIDE_STATUS_OUT_OF_RANGE);
    EXPECT_STATUS(bedside_gs1_result_element(r, 0, NULL), BEDSIDE_STATUS_NULL_POINTER);
    EXPECT_STATUS(bedside_gs1_result_element(NULL, 0, &e), BEDSIDE_STATUS_NULL_POINTER);

    BedsideBuffer b;
    EXPECT_STATUS(bedside_gs1_to_bracketed(r, &b), BEDSIDE_STATUS_OK);
    EXPECT(buffer_eq(&b, "(01)09506000134352(17)261231(10)AB1"));
    bedside_buffer_free(&b);
    EXPECT(b.data == NULL && b.len == 0 && b.capacity == 0);
    bedside_buffer_free(&b); /* a second free is harmless */
    bedside_buffer_free(NULL);

    EXPECT_STATUS(bedside_gs1_to_unbracketed(r, &b), BEDSIDE_STATUS_OK);
    EXPECT(buffer_eq(&b, "^01095060001343521726123110AB1"));
    bedside_buffer_free(&b);
    EXPECT_STATUS(bedside_gs1_to_element_string(r, &b), BEDSIDE_STATUS_OK);
    EXPECT(buffer_eq(&b, "01095060001343521726123110AB1"));
    bedside_buffer_free(&b);
    EXPECT_STATUS(bedside_gs1_to_scan_data(r, BEDSIDE_GS1_SYMBOLOGY_DATA_MATRIX, &b), BEDSIDE_STATUS_OK);
    EXPECT(buffer_eq(&b, "]d201095060001343521726123110AB1"));
    bedside_buffer_free(&b);
    EXPECT_STATUS(bedside_gs1_to_scan_data(r, BEDSIDE_GS1_SYMBOLOGY_GS1_128, &b), BEDSIDE_STATUS_OK);
    EXPECT(buffer_eq(&b, "]C101095060001343521726123110AB1"));
    bedside_buffer_free(&b);
    EXPECT_STATUS(bedside_gs1_to_scan_data(r, BEDSIDE_GS1_SYMBOLOGY_EAN13, &b), BEDSIDE_STATUS_UNREPRESENTABLE);
    EXPECT(b.data == NULL);
    EXPECT_STATUS(bedside_gs1_to_scan_data(r, 77, &b), BEDSIDE_STATUS_INVALID_ARGUMENT);
    EXPECT_STATUS(bedside_gs1_to_hri(r, 0, &b), BEDSIDE_STATUS_OK);
    EXPECT(buffer_eq(&b, "(01) 09506000134352\n(17) 261231\n(10) AB1"));
    bedside_buffer_free(&b);
    EXPECT_STATUS(bedside_gs1_to_hri(r, 1, &b), BEDSIDE_STATUS_OK);
    EXPECT(strncmp((const char *)b.data, "GTIN (01) 09506000134352\n", 25) == 0);
    bedside_buffer_free(&b);
    EXPECT_STATUS(bedside_gs1_to_digital_link(r, NULL, 0, &b), BEDSIDE_STATUS_OK);
    EXPECT(buffer_eq(&b, "https://id.gs1.org/01/09506000134352/10/AB1?17=261231"));
    bedside_buffer_free(&b);
    const char *stem = "https://dl.example.nhs.uk/";
    EXPECT_STATUS(bedside_gs1_to_digital_link(r, u8(stem), strlen(stem), &b), BEDSIDE_STATUS_OK);
    EXPECT(buffer_eq(&b, "https://dl.example.nhs.uk/01/09506000134352/10/AB1?17=261231"));
    bedside_buffer_free(&b);
    EXPECT_STATUS(bedside_gs1_to_digital_link(r, u8("\xff"), 1, &b), BEDSIDE_STATUS_INVALID_UTF8);
    EXPECT(b.data == NULL);

    /* NULL handles and NULL out-buffers. */
    EXPECT_STATUS(bedside_gs1_to_bracketed(NULL, &b), BEDSIDE_STATUS_NULL_POINTER);
    EXPECT_STATUS(bedside_gs1_to_bracketed(r, NULL), BEDSIDE_STATUS_NULL_POINTER);
    EXPECT_STATUS(bedside_gs1_to_hri(NULL, 0, &b), BEDSIDE_STATUS_NULL_POINTER);
    EXPECT_STATUS(bedside_gs1_result_info(NULL, &info), BEDSIDE_STATUS_NULL_POINTER);
    EXPECT_STATUS(bedside_gs1_result_info(r, NULL), BEDSIDE_STATUS_NULL_POINTER);
    bedside_gs1_result_free(r);
    bedside_gs1_result_free(NULL);

    /* A message with no primary key has no Digital Link URI. */
    BedsideGs1Options partial = bedside_gs1_options_default();
    partial.validate_requisites = 0;
    r = parse(BEDSIDE_INPUT_FORM_BRACKETED, "(10)AB1", &partial);
    EXPECT(info_of(r).verdict == BEDSIDE_VERDICT_VALID);
    EXPECT_STATUS(bedside_gs1_to_digital_link(r, NULL, 0, &b), BEDSIDE_STATUS_UNREPRESENTABLE);
    bedside_gs1_result_free(r);
    r = parse(BEDSIDE_INPUT_FORM_BRACKETED, "(10)AB1", NULL);
    EXPECT(info_of(r).error_class == BEDSIDE_ERROR_CLASS_MISSING_REQUISITE);
    bedside_gs1_result_free(r);
}

static void check_gs1_forms_and_errors(void) {
    /* Every input form gives the same message. */
    const struct {
        uint32_t form;
        const char *text;
    } forms[] = {
        {BEDSIDE_INPUT_FORM_BRACKETED, "(01)09506000134352(10)AB1"},
        {BEDSIDE_INPUT_FORM_UNBRACKETED, "^010950600013435210AB1"},
        {BEDSIDE_INPUT_FORM_ELEMENT_STRING, "010950600013435210AB1"},
        {BEDSIDE_INPUT_FORM_SCAN_DATA, "]Q3010950600013435210AB1"},
        {BEDSIDE_INPUT_FORM_DIGITAL_LINK, "https://id.gs1.org/01/09506000134352/10/AB1"},
        {BEDSIDE_INPUT_FORM_AUTO, "]d2010950600013435210AB1"},
        {BEDSIDE_INPUT_FORM_AUTO, "010950600013435210AB1"},
    };
    for (size_t i = 0; i < sizeof forms / sizeof forms[0]; i++) {
        BedsideGs1Result *r = parse(forms[i].form, forms[i].text, NULL);
        EXPECT(info_of(r).verdict == BEDSIDE_VERDICT_VALID);
        BedsideBuffer b;
        EXPECT_STATUS(bedside_gs1_to_bracketed(r, &b), BEDSIDE_STATUS_OK);
        EXPECT(buffer_eq(&b, "(01)09506000134352(10)AB1"));
        bedside_buffer_free(&b);
        bedside_gs1_result_free(r);
    }
    BedsideGs1Result *r = parse(BEDSIDE_INPUT_FORM_AUTO, "]Q3010950600013435210AB1", NULL);
    EXPECT(info_of(r).symbology == BEDSIDE_GS1_SYMBOLOGY_QR_CODE);
    bedside_gs1_result_free(r);
    r = parse(BEDSIDE_INPUT_FORM_DIGITAL_LINK, "https://id.gs1.org/01/09506000134352", NULL);
    EXPECT(info_of(r).content == BEDSIDE_CONTENT_KIND_DIGITAL_LINK);
    bedside_gs1_result_free(r);
    /* A qualifier in the query instead of the path. */
    r = parse(BEDSIDE_INPUT_FORM_AUTO, "https://id.gs1.org/01/09506000134352?10=AB1", NULL);
    EXPECT(info_of(r).error_class == BEDSIDE_ERROR_CLASS_DL_KEY_QUALIFIER && bytes_eq(info_of(r).error_ai, "10"));
    bedside_gs1_result_free(r);

    /* An invalid check digit: class, AI, offset, message and markup. */
    r = parse(BEDSIDE_INPUT_FORM_BRACKETED, "(01)09506000134353", NULL);
    BedsideGs1Info info = info_of(r);
    EXPECT(info.verdict == BEDSIDE_VERDICT_INVALID);
    EXPECT(info.error_class == BEDSIDE_ERROR_CLASS_BAD_CHECK_DIGIT);
    EXPECT(bytes_eq(info.error_ai, "01"));
    EXPECT(info.error_offset == 17 && info.error_len == 1);
    EXPECT(info.error_message.len > 10);
    EXPECT(bytes_eq(info.error_markup, "(01)0950600013435|3|"));
    EXPECT(info.element_count == 0 && info.content == BEDSIDE_CONTENT_KIND_NONE);
    BedsideGs1Element e;
    EXPECT_STATUS(bedside_gs1_result_element(r, 0, &e), BEDSIDE_STATUS_OUT_OF_RANGE);
    BedsideBuffer b;
    EXPECT_STATUS(bedside_gs1_to_element_string(r, &b), BEDSIDE_STATUS_NO_MESSAGE);
    EXPECT(b.data == NULL);
    bedside_gs1_result_free(r);

    /* Plain data is not GS1, and never AI data. */
    r = parse(BEDSIDE_INPUT_FORM_SCAN_DATA, "]d19434765919", NULL);
    info = info_of(r);
    EXPECT(info.verdict == BEDSIDE_VERDICT_NON_GS1 && info.content == BEDSIDE_CONTENT_KIND_PLAIN);
    EXPECT(info.symbology == BEDSIDE_GS1_SYMBOLOGY_DATA_MATRIX && info.element_count == 0);
    EXPECT_STATUS(bedside_gs1_to_bracketed(r, &b), BEDSIDE_STATUS_NO_MESSAGE);
    bedside_gs1_result_free(r);

    /* A scanner that sends "~" for GS. */
    BedsideGs1Options opts = bedside_gs1_options_default();
    opts.gs_substitute = u8("~");
    opts.gs_substitute_len = 1;
    r = parse(BEDSIDE_INPUT_FORM_SCAN_DATA, "]d2010950600013435210AB1~17261231\r\n", &opts);
    EXPECT(info_of(r).verdict == BEDSIDE_VERDICT_VALID && info_of(r).element_count == 3);
    bedside_gs1_result_free(r);
    opts.gs_substitute = u8("\xc3");
    BedsideGs1Result *bad = (BedsideGs1Result *)1;
    EXPECT_STATUS(bedside_gs1_parse(BEDSIDE_INPUT_FORM_SCAN_DATA, u8("]d201"), 5, &opts, &bad),
                  BEDSIDE_STATUS_INVALID_UTF8);
    EXPECT(bad == NULL);
    opts.gs_substitute_len = 0;
    EXPECT_STATUS(bedside_gs1_parse(BEDSIDE_INPUT_FORM_SCAN_DATA, u8("]d201"), 5, &opts, &bad),
                  BEDSIDE_STATUS_INVALID_ARGUMENT);
}

static void check_gs1_hostile(void) {
    BedsideGs1Result *r = (BedsideGs1Result *)1;
    /* NULL pointers. */
    EXPECT_STATUS(bedside_gs1_parse(BEDSIDE_INPUT_FORM_AUTO, NULL, 0, NULL, &r), BEDSIDE_STATUS_NULL_POINTER);
    EXPECT(r == NULL);
    EXPECT_STATUS(bedside_gs1_parse(BEDSIDE_INPUT_FORM_AUTO, NULL, 10, NULL, &r), BEDSIDE_STATUS_NULL_POINTER);
    EXPECT_STATUS(bedside_gs1_parse(BEDSIDE_INPUT_FORM_AUTO, u8("(01)"), 4, NULL, NULL), BEDSIDE_STATUS_NULL_POINTER);
    /* An unknown form and an impossible length. */
    r = (BedsideGs1Result *)1;
    EXPECT_STATUS(bedside_gs1_parse(6, u8("(01)"), 4, NULL, &r), BEDSIDE_STATUS_INVALID_ARGUMENT);
    EXPECT(r == NULL);
    EXPECT_STATUS(bedside_gs1_parse(BEDSIDE_INPUT_FORM_AUTO, u8("(01)"), (size_t)-1, NULL, &r),
                  BEDSIDE_STATUS_INVALID_ARGUMENT);
    /* Invalid UTF-8, in every form. */
    const char *bad_utf8[] = {"]d2\xff", "(01)\xc3", "\xed\xa0\x80", "^01\xc0\x80", "https://id.gs1.org/01/\xfe"};
    for (size_t i = 0; i < sizeof bad_utf8 / sizeof bad_utf8[0]; i++) {
        for (uint32_t form = 0; form <= 5; form++) {
            r = (BedsideGs1Result *)1;
            EXPECT_STATUS(bedside_gs1_parse(form, u8(bad_utf8[i]), strlen(bad_utf8[i]), NULL, &r),
                          BEDSIDE_STATUS_INVALID_UTF8);
            EXPECT(r == NULL);
        }
    }
    /* NUL bytes are data, judged by the GS1 rules. */
    const uint8_t nul_inputs[][24] = {
        "(01)09506000134352\0(10)",
        "]d2010950600013435210A\0B",
        "0109506000134352\0\0\0\0\0\0\0\0",
        "\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0",
    };
    for (size_t i = 0; i < sizeof nul_inputs / sizeof nul_inputs[0]; i++) {
        for (uint32_t form = 0; form <= 5; form++) {
            r = NULL;
            EXPECT_STATUS(bedside_gs1_parse(form, nul_inputs[i], 24, NULL, &r), BEDSIDE_STATUS_OK);
            EXPECT(info_of(r).verdict == BEDSIDE_VERDICT_INVALID);
            bedside_gs1_result_free(r);
        }
    }
    /* 1 MiB inputs: refused whole, as a limit, never a crash. */
    size_t big = 1 << 20;
    char *mib = malloc(big);
    const char fills[] = {'0', '(', 'A', '^', ']'};
    for (size_t f = 0; f < sizeof fills; f++) {
        memset(mib, fills[f], big);
        for (uint32_t form = 0; form <= 5; form++) {
            r = NULL;
            EXPECT_STATUS(bedside_gs1_parse(form, (const uint8_t *)mib, big, NULL, &r), BEDSIDE_STATUS_OK);
            BedsideGs1Info info = info_of(r);
            EXPECT(info.verdict == BEDSIDE_VERDICT_INVALID);
            bedside_gs1_result_free(r);
        }
    }
    memcpy(mib, "]d2", 3);
    r = NULL;
    EXPECT_STATUS(bedside_gs1_parse(BEDSIDE_INPUT_FORM_SCAN_DATA, (const uint8_t *)mib, big, NULL, &r),
                  BEDSIDE_STATUS_OK);
    EXPECT(info_of(r).error_class == BEDSIDE_ERROR_CLASS_LIMIT);
    bedside_gs1_result_free(r);
    free(mib);
}

static void check_nhs(void) {
    BedsideNhsInfo n;
    const char *ok = "943 476 5919";
    EXPECT_STATUS(bedside_nhs_parse(u8(ok), strlen(ok), 0, &n), BEDSIDE_STATUS_OK);
    EXPECT(n.valid == 1 && n.error == BEDSIDE_NHS_ERROR_NONE && n.position == (size_t)-1);
    EXPECT(strcmp((const char *)n.digits, "9434765919") == 0);
    EXPECT(strcmp((const char *)n.formatted, "943 476 5919") == 0);
    EXPECT(n.is_test == 0 && n.issuing_range == BEDSIDE_ISSUING_RANGE_UNLISTED);
    EXPECT(n.message[0] == 0);
    EXPECT_STATUS(bedside_nhs_parse(u8("401 023 2137"), 12, 0, &n), BEDSIDE_STATUS_OK);
    EXPECT(n.valid == 1 && n.issuing_range == BEDSIDE_ISSUING_RANGE_ENGLAND_WALES_ISLE_OF_MAN);

    const char *bad = "943 476 5918";
    EXPECT_STATUS(bedside_nhs_parse(u8(bad), strlen(bad), 0, &n), BEDSIDE_STATUS_OK);
    EXPECT(n.valid == 0 && n.error == BEDSIDE_NHS_ERROR_CHECK_DIGIT_MISMATCH);
    EXPECT(n.position == 11 && n.expected_check_digit == 9 && n.found_check_digit == 8);
    EXPECT(n.digits[0] == 0 && n.formatted[0] == 0);
    EXPECT(strlen((const char *)n.message) > 10 && strstr((const char *)n.message, "9434765918") == NULL);

    const char *test = "9990001235";
    EXPECT_STATUS(bedside_nhs_parse(u8(test), strlen(test), 0, &n), BEDSIDE_STATUS_OK);
    EXPECT(n.valid == 0 && n.error == BEDSIDE_NHS_ERROR_TEST_NUMBER_NOT_ALLOWED);
    EXPECT_STATUS(bedside_nhs_parse(u8(test), strlen(test), BEDSIDE_NHS_ALLOW_TEST_DATA, &n), BEDSIDE_STATUS_OK);
    EXPECT(n.valid == 1 && n.is_test == 1 && n.issuing_range == BEDSIDE_ISSUING_RANGE_TEST);
    EXPECT(strcmp((const char *)n.formatted, "999 000 1235") == 0);
    EXPECT_STATUS(bedside_nhs_parse(u8(ok), strlen(ok), BEDSIDE_NHS_COMPACT, &n), BEDSIDE_STATUS_OK);
    EXPECT(n.valid == 0);
    EXPECT_STATUS(bedside_nhs_parse(u8("4444444444"), 10, 0, &n), BEDSIDE_STATUS_OK);
    EXPECT(n.error == BEDSIDE_NHS_ERROR_REPDIGIT);
    EXPECT_STATUS(bedside_nhs_parse(u8(""), 0, 0, &n), BEDSIDE_STATUS_OK);
    EXPECT(n.error == BEDSIDE_NHS_ERROR_EMPTY);
    EXPECT_STATUS(bedside_nhs_parse(u8("943\0476 5919"), 12, 0, &n), BEDSIDE_STATUS_OK);
    EXPECT(n.error == BEDSIDE_NHS_ERROR_INVALID_CHARACTER && n.position == 3);

    /* Hostile. */
    EXPECT_STATUS(bedside_nhs_parse(NULL, 10, 0, &n), BEDSIDE_STATUS_NULL_POINTER);
    EXPECT_STATUS(bedside_nhs_parse(u8(ok), strlen(ok), 0, NULL), BEDSIDE_STATUS_NULL_POINTER);
    EXPECT_STATUS(bedside_nhs_parse(u8("943\xff"), 4, 0, &n), BEDSIDE_STATUS_INVALID_UTF8);
    EXPECT_STATUS(bedside_nhs_parse(u8(ok), strlen(ok), 0x80, &n), BEDSIDE_STATUS_INVALID_ARGUMENT);
    size_t big = 1 << 20;
    char *mib = malloc(big);
    memset(mib, '9', big);
    EXPECT_STATUS(bedside_nhs_parse((const uint8_t *)mib, big, 0, &n), BEDSIDE_STATUS_OK);
    EXPECT(n.valid == 0 && n.error == BEDSIDE_NHS_ERROR_TOO_MANY_DIGITS && n.position == 10);
    free(mib);
}

#define BAND "]d28018952000099900012352\x1d" "80191\x1d" "725019800118\x1d" "72521\x1d" "7253Smith\x1d" "7254John"

static BedsideWristbandResult *check_band(const BedsideWristbandPolicy *p, const char *scan, size_t len) {
    BedsideWristbandResult *r = NULL;
    EXPECT_STATUS(bedside_wristband_check(p, u8(scan), len, NULL, &r), BEDSIDE_STATUS_OK);
    EXPECT(r != NULL);
    return r;
}

static BedsideWristbandInfo band_info(const BedsideWristbandResult *r) {
    BedsideWristbandInfo w;
    EXPECT_STATUS(bedside_wristband_result_info(r, &w), BEDSIDE_STATUS_OK);
    return w;
}

static void check_wristband(void) {
    BedsideWristbandPolicy *demo = NULL;
    EXPECT_STATUS(bedside_wristband_policy_demo(&demo), BEDSIDE_STATUS_OK);
    EXPECT(demo != NULL);

    BedsideWristbandResult *r = check_band(demo, BAND, strlen(BAND));
    BedsideWristbandInfo w = band_info(r);
    EXPECT(w.verdict == BEDSIDE_WRISTBAND_VERDICT_ACCEPTED);
    EXPECT(bytes_eq(w.nhs_number, "9990001235"));
    EXPECT(strcmp((const char *)w.nhs_number_display, "999 000 1235") == 0);
    EXPECT(bytes_eq(w.gsrn, "952000099900012352") && bytes_eq(w.srin, "1"));
    EXPECT(bytes_eq(w.family_name, "Smith") && bytes_eq(w.given_name, "John"));
    EXPECT(w.full_name.len == 0);
    EXPECT(w.has_date_of_birth == 1 && w.birth_year == 1980 && w.birth_month == 1 && w.birth_day == 18);
    EXPECT(w.has_birth_time == 0 && w.sex == '1');
    EXPECT(w.band_error == BEDSIDE_WRISTBAND_ERROR_NONE && w.error_message.len == 0);
    BedsideBuffer b;
    EXPECT_STATUS(bedside_wristband_display_name(r, &b), BEDSIDE_STATUS_OK);
    EXPECT(buffer_eq(&b, "SMITH, John"));
    bedside_buffer_free(&b);
    EXPECT_STATUS(bedside_wristband_display_date_of_birth(r, &b), BEDSIDE_STATUS_OK);
    EXPECT(buffer_eq(&b, "18-Jan-1980"));
    bedside_buffer_free(&b);
    bedside_wristband_result_free(r);

    /* Internal AIs: none on this band; the MRN in 91 on the next. */
    BedsideBytes iai, ival;
    r = check_band(demo, BAND, strlen(BAND));
    EXPECT_STATUS(bedside_wristband_internal(r, 0, &iai, &ival), BEDSIDE_STATUS_OUT_OF_RANGE);
    EXPECT_STATUS(bedside_wristband_internal(r, 0, NULL, &ival), BEDSIDE_STATUS_NULL_POINTER);
    EXPECT_STATUS(bedside_wristband_internal(NULL, 0, &iai, &ival), BEDSIDE_STATUS_NULL_POINTER);
    bedside_wristband_result_free(r);
    const char *with_mrn = BAND "\x1d" "91RJ1RX9096254";
    r = check_band(demo, with_mrn, strlen(with_mrn));
    EXPECT(band_info(r).verdict == BEDSIDE_WRISTBAND_VERDICT_ACCEPTED);
    EXPECT_STATUS(bedside_wristband_internal(r, 0, &iai, &ival), BEDSIDE_STATUS_OK);
    EXPECT(bytes_eq(iai, "91") && bytes_eq(ival, "RJ1RX9096254"));
    EXPECT_STATUS(bedside_wristband_internal(r, 1, &iai, &ival), BEDSIDE_STATUS_OUT_OF_RANGE);
    bedside_wristband_result_free(r);

    /* Percent-encoded names are decoded to UTF-8. */
    const char *obrien = "]d28018952000099900000182\x1d" "80191\x1d" "725020240229\x1d" "72522\x1d"
                         "7253O%27BRIEN\x1d" "7254Zo%C3%AB";
    r = check_band(demo, obrien, strlen(obrien));
    w = band_info(r);
    EXPECT(w.verdict == BEDSIDE_WRISTBAND_VERDICT_ACCEPTED);
    EXPECT(bytes_eq(w.family_name, "O'BRIEN") && bytes_eq(w.given_name, "Zo\xc3\xab"));
    EXPECT_STATUS(bedside_wristband_display_name(r, &b), BEDSIDE_STATUS_OK);
    EXPECT(buffer_eq(&b, "O'BRIEN, Zo\xc3\xab"));
    bedside_buffer_free(&b);
    bedside_wristband_result_free(r);

    /* GS1 check digit wrong: not valid GS1. */
    const char *bad_check = "]d28018952000099900012353\x1d" "80191";
    r = check_band(demo, bad_check, strlen(bad_check));
    w = band_info(r);
    EXPECT(w.verdict == BEDSIDE_WRISTBAND_VERDICT_GS1_INVALID);
    EXPECT(w.gs1_error_class == BEDSIDE_ERROR_CLASS_BAD_CHECK_DIGIT && bytes_eq(w.error_ai, "8018"));
    EXPECT(w.gs1_error_offset == 24 && w.nhs_number.len == 0);
    EXPECT_STATUS(bedside_wristband_display_name(r, &b), BEDSIDE_STATUS_NO_MESSAGE);
    EXPECT(b.data == NULL);
    EXPECT_STATUS(bedside_wristband_internal(r, 0, &iai, &ival), BEDSIDE_STATUS_NO_MESSAGE);
    bedside_wristband_result_free(r);

    /* Plain data and a medicine pack. */
    r = check_band(demo, "]d19434765919", 13);
    EXPECT(band_info(r).verdict == BEDSIDE_WRISTBAND_VERDICT_NOT_GS1);
    bedside_wristband_result_free(r);
    const char *pack = "]d2010950600013435217261231\x1d" "10AB1";
    r = check_band(demo, pack, strlen(pack));
    w = band_info(r);
    EXPECT(w.verdict == BEDSIDE_WRISTBAND_VERDICT_REJECTED && w.band_error != BEDSIDE_WRISTBAND_ERROR_NONE);
    EXPECT(w.error_message.len > 10);
    bedside_wristband_result_free(r);
    /* A staff badge (8017) is not a patient band. */
    const char *staff = "]d28017952000000000000033\x1d" "80191";
    r = check_band(demo, staff, strlen(staff));
    EXPECT(band_info(r).verdict == BEDSIDE_WRISTBAND_VERDICT_REJECTED);
    bedside_wristband_result_free(r);

    /* A production policy: test numbers and foreign prefixes refused. */
    BedsideWristbandPolicyConfig cfg = {0};
    cfg.gsrn_prefixes = u8("5012345, 9520000");
    cfg.gsrn_prefixes_len = strlen("5012345, 9520000");
    cfg.require_name = 1;
    cfg.require_date_of_birth = 1;
    BedsideWristbandPolicy *prod = NULL;
    EXPECT_STATUS(bedside_wristband_policy_new(&cfg, &prod), BEDSIDE_STATUS_OK);
    r = check_band(prod, BAND, strlen(BAND));
    w = band_info(r);
    EXPECT(w.verdict == BEDSIDE_WRISTBAND_VERDICT_REJECTED);
    EXPECT(w.band_error == BEDSIDE_WRISTBAND_ERROR_EMBEDDED_NHS_NUMBER && w.band_error_index == 0);
    bedside_wristband_result_free(r);
    bedside_wristband_policy_free(prod);
    cfg.gsrn_prefixes = u8("5012345");
    cfg.gsrn_prefixes_len = 7;
    cfg.allow_test_data = 1;
    EXPECT_STATUS(bedside_wristband_policy_new(&cfg, &prod), BEDSIDE_STATUS_OK);
    r = check_band(prod, BAND, strlen(BAND));
    EXPECT(band_info(r).band_error == BEDSIDE_WRISTBAND_ERROR_GSRN_PREFIX_NOT_ALLOWED);
    bedside_wristband_result_free(r);
    bedside_wristband_policy_free(prod);
    /* Today's date before the date of birth. */
    cfg.gsrn_prefixes = u8("9520000");
    cfg.today_year = 1979;
    cfg.today_month = 12;
    cfg.today_day = 31;
    EXPECT_STATUS(bedside_wristband_policy_new(&cfg, &prod), BEDSIDE_STATUS_OK);
    r = check_band(prod, BAND, strlen(BAND));
    EXPECT(band_info(r).band_error == BEDSIDE_WRISTBAND_ERROR_DATE_OF_BIRTH_IN_FUTURE);
    bedside_wristband_result_free(r);
    bedside_wristband_policy_free(prod);
    /* Malformed configurations are refused and leave NULL. */
    cfg.today_month = 2;
    cfg.today_day = 30;
    prod = (BedsideWristbandPolicy *)1;
    EXPECT_STATUS(bedside_wristband_policy_new(&cfg, &prod), BEDSIDE_STATUS_INVALID_ARGUMENT);
    EXPECT(prod == NULL);
    cfg.today_year = 0;
    const char *bad_lists[] = {"", "12", "501234X", "5012345,,9520000"};
    for (size_t i = 0; i < sizeof bad_lists / sizeof bad_lists[0]; i++) {
        cfg.gsrn_prefixes = u8(bad_lists[i]);
        cfg.gsrn_prefixes_len = strlen(bad_lists[i]);
        EXPECT_STATUS(bedside_wristband_policy_new(&cfg, &prod), BEDSIDE_STATUS_INVALID_ARGUMENT);
        EXPECT(prod == NULL);
    }
    cfg.gsrn_prefixes = NULL;
    EXPECT_STATUS(bedside_wristband_policy_new(&cfg, &prod), BEDSIDE_STATUS_NULL_POINTER);
    EXPECT_STATUS(bedside_wristband_policy_new(NULL, &prod), BEDSIDE_STATUS_NULL_POINTER);
    EXPECT_STATUS(bedside_wristband_policy_new(&cfg, NULL), BEDSIDE_STATUS_NULL_POINTER);
    EXPECT_STATUS(bedside_wristband_policy_demo(NULL), BEDSIDE_STATUS_NULL_POINTER);

    /* Hostile scans. */
    r = (BedsideWristbandResult *)1;
    EXPECT_STATUS(bedside_wristband_check(NULL, u8(BAND), strlen(BAND), NULL, &r), BEDSIDE_STATUS_NULL_POINTER);
    EXPECT(r == NULL);
    EXPECT_STATUS(bedside_wristband_check(demo, NULL, 5, NULL, &r), BEDSIDE_STATUS_NULL_POINTER);
    EXPECT_STATUS(bedside_wristband_check(demo, u8(BAND), strlen(BAND), NULL, NULL), BEDSIDE_STATUS_NULL_POINTER);
    EXPECT_STATUS(bedside_wristband_check(demo, u8("]d2\xff"), 4, NULL, &r), BEDSIDE_STATUS_INVALID_UTF8);
    EXPECT(r == NULL);
    EXPECT_STATUS(bedside_wristband_result_info(NULL, &w), BEDSIDE_STATUS_NULL_POINTER);
    EXPECT_STATUS(bedside_wristband_display_name(NULL, &b), BEDSIDE_STATUS_NULL_POINTER);
    r = check_band(demo, "]d2801895\0" "20000999", 18);
    EXPECT(band_info(r).verdict == BEDSIDE_WRISTBAND_VERDICT_GS1_INVALID);
    bedside_wristband_result_free(r);
    size_t big = 1 << 20;
    char *mib = malloc(big);
    memset(mib, '8', big);
    memcpy(mib, "]d2", 3);
    r = check_band(demo, mib, big);
    w = band_info(r);
    EXPECT(w.verdict == BEDSIDE_WRISTBAND_VERDICT_GS1_INVALID && w.gs1_error_class == BEDSIDE_ERROR_CLASS_LIMIT);
    bedside_wristband_result_free(r);
    free(mib);
    bedside_wristband_result_free(NULL);
    bedside_wristband_policy_free(NULL);
    bedside_wristband_policy_free(demo);
}

static void check_barcode(uint32_t budget_ms) {
    const char *band = "(8018)952000099900012352(8019)1(7250)19800118(7253)SMITH(7254)John";
    BedsideGs1Result *m = parse(BEDSIDE_INPUT_FORM_BRACKETED, band, NULL);
    BedsideBuffer png, svg, b;
    EXPECT_STATUS(bedside_barcode_encode(m, BEDSIDE_BARCODE_SYMBOLOGY_DATAMATRIX, BEDSIDE_IMAGE_FORMAT_PNG, 4,
                                         BEDSIDE_QUIET_ZONE_DEFAULT, &png),
                  BEDSIDE_STATUS_OK);
    EXPECT(png.len > 100 && memcmp(png.data, "\x89PNG\r\n\x1a\n", 8) == 0);
    EXPECT_STATUS(bedside_barcode_encode(m, BEDSIDE_BARCODE_SYMBOLOGY_DATAMATRIX, BEDSIDE_IMAGE_FORMAT_SVG, 4, 4, &svg),
                  BEDSIDE_STATUS_OK);
    EXPECT(strncmp((const char *)svg.data, "<?xml", 5) == 0 && strlen((const char *)svg.data) == svg.len);
    bedside_buffer_free(&svg);
    /* Too long for GS1-128's 48 characters. */
    EXPECT_STATUS(bedside_barcode_encode(m, BEDSIDE_BARCODE_SYMBOLOGY_GS1_128, BEDSIDE_IMAGE_FORMAT_PNG, 2,
                                         BEDSIDE_QUIET_ZONE_DEFAULT, &b),
                  BEDSIDE_STATUS_ENCODE_FAILED);
    EXPECT(b.data == NULL);
    EXPECT_STATUS(bedside_barcode_encode(m, 9, BEDSIDE_IMAGE_FORMAT_PNG, 2, 0, &b), BEDSIDE_STATUS_INVALID_ARGUMENT);
    EXPECT_STATUS(bedside_barcode_encode(m, BEDSIDE_BARCODE_SYMBOLOGY_DATAMATRIX, 9, 2, 0, &b),
                  BEDSIDE_STATUS_INVALID_ARGUMENT);
    EXPECT_STATUS(bedside_barcode_encode(m, BEDSIDE_BARCODE_SYMBOLOGY_DATAMATRIX, BEDSIDE_IMAGE_FORMAT_PNG, 0, 0, &b),
                  BEDSIDE_STATUS_INVALID_ARGUMENT);
    EXPECT_STATUS(bedside_barcode_encode(NULL, BEDSIDE_BARCODE_SYMBOLOGY_DATAMATRIX, BEDSIDE_IMAGE_FORMAT_PNG, 2, 0, &b),
                  BEDSIDE_STATUS_NULL_POINTER);
    EXPECT_STATUS(bedside_barcode_encode(m, BEDSIDE_BARCODE_SYMBOLOGY_DATAMATRIX, BEDSIDE_IMAGE_FORMAT_PNG, 2, 0, NULL),
                  BEDSIDE_STATUS_NULL_POINTER);
    BedsideGs1Result *invalid = parse(BEDSIDE_INPUT_FORM_BRACKETED, "(01)09506000134353", NULL);
    EXPECT_STATUS(bedside_barcode_encode(invalid, BEDSIDE_BARCODE_SYMBOLOGY_DATAMATRIX, BEDSIDE_IMAGE_FORMAT_PNG, 2, 0, &b),
                  BEDSIDE_STATUS_NO_MESSAGE);
    bedside_gs1_result_free(invalid);

    BedsideGs1Result *pack = parse(BEDSIDE_INPUT_FORM_BRACKETED, "(01)09506000134352(10)AB1", NULL);
    BedsideBuffer linear;
    EXPECT_STATUS(bedside_barcode_encode(pack, BEDSIDE_BARCODE_SYMBOLOGY_GS1_128, BEDSIDE_IMAGE_FORMAT_PNG, 3,
                                         BEDSIDE_QUIET_ZONE_DEFAULT, &linear),
                  BEDSIDE_STATUS_OK);
    bedside_gs1_result_free(pack);

    /* Read both back. */
    BedsideReaderOptions ro = bedside_reader_options_default();
    EXPECT(ro.datamatrix == 1 && ro.code128 == 1 && ro.max_symbols >= 1 && ro.budget_ms >= 250);
    ro.budget_ms = budget_ms;
    BedsideReader *reader = NULL;
    EXPECT_STATUS(bedside_reader_new(&ro, &reader), BEDSIDE_STATUS_OK);

    BedsideReadResult *rr = NULL;
    EXPECT_STATUS(bedside_reader_read(reader, png.data, png.len, &rr), BEDSIDE_STATUS_OK);
    BedsideReadInfo ri;
    EXPECT_STATUS(bedside_read_result_info(rr, &ri), BEDSIDE_STATUS_OK);
    EXPECT(ri.symbol_count >= 1 && ri.gs1_count >= 1 && ri.timed_out == 0);
    BedsideSymbolInfo si;
    EXPECT_STATUS(bedside_read_result_symbol(rr, 0, &si), BEDSIDE_STATUS_OK);
    EXPECT(si.symbology == BEDSIDE_READER_SYMBOLOGY_DATAMATRIX && bytes_eq(si.aim, "]d2") && si.is_gs1 == 1);
    EXPECT_STATUS(bedside_read_result_symbol(rr, ri.symbol_count, &si), BEDSIDE_STATUS_OUT_OF_RANGE);
    BedsideGs1Result *back = NULL;
    EXPECT_STATUS(bedside_read_result_gs1(rr, 0, &back), BEDSIDE_STATUS_OK);
    EXPECT(info_of(back).verdict == BEDSIDE_VERDICT_VALID);
    EXPECT(info_of(back).symbology == BEDSIDE_GS1_SYMBOLOGY_DATA_MATRIX);
    EXPECT_STATUS(bedside_gs1_to_bracketed(back, &b), BEDSIDE_STATUS_OK);
    EXPECT(buffer_eq(&b, band));
    bedside_buffer_free(&b);
    /* What was read is what the wristband check accepts. */
    EXPECT_STATUS(bedside_gs1_to_scan_data(back, BEDSIDE_GS1_SYMBOLOGY_DATA_MATRIX, &b), BEDSIDE_STATUS_OK);
    BedsideWristbandPolicy *demo = NULL;
    EXPECT_STATUS(bedside_wristband_policy_demo(&demo), BEDSIDE_STATUS_OK);
    BedsideWristbandResult *wr = check_band(demo, (const char *)b.data, b.len);
    EXPECT(band_info(wr).verdict == BEDSIDE_WRISTBAND_VERDICT_ACCEPTED);
    bedside_wristband_result_free(wr);
    bedside_wristband_policy_free(demo);
    bedside_buffer_free(&b);
    bedside_gs1_result_free(back);
    EXPECT_STATUS(bedside_read_result_gs1(rr, 5, &back), BEDSIDE_STATUS_OUT_OF_RANGE);
    EXPECT(back == NULL);
    bedside_read_result_free(rr);

    EXPECT_STATUS(bedside_reader_read(reader, linear.data, linear.len, &rr), BEDSIDE_STATUS_OK);
    EXPECT_STATUS(bedside_read_result_info(rr, &ri), BEDSIDE_STATUS_OK);
    EXPECT(ri.gs1_count == 1);
    EXPECT_STATUS(bedside_read_result_symbol(rr, 0, &si), BEDSIDE_STATUS_OK);
    EXPECT(si.symbology == BEDSIDE_READER_SYMBOLOGY_CODE128 && bytes_eq(si.aim, "]C1"));
    EXPECT(bytes_eq(si.data, "010950600013435210AB1"));
    bedside_read_result_free(rr);

    /* A blank frame: nothing found, not an error. */
    uint8_t *white = malloc(64 * 64);
    memset(white, 255, 64 * 64);
    EXPECT_STATUS(bedside_reader_read_gray(reader, white, 64 * 64, 64, 64, &rr), BEDSIDE_STATUS_OK);
    EXPECT_STATUS(bedside_read_result_info(rr, &ri), BEDSIDE_STATUS_OK);
    EXPECT(ri.symbol_count == 0 && ri.gs1_count == 0);
    bedside_read_result_free(rr);
    rr = (BedsideReadResult *)1;
    EXPECT_STATUS(bedside_reader_read_gray(reader, white, 64 * 64, 64, 65, &rr), BEDSIDE_STATUS_IMAGE_ERROR);
    EXPECT(rr == NULL);
    EXPECT_STATUS(bedside_reader_read_gray(reader, white, 0, 0, 0, &rr), BEDSIDE_STATUS_IMAGE_ERROR);
    free(white);

    /* Hostile images. */
    EXPECT_STATUS(bedside_reader_read(reader, u8("GIF89a"), 6, &rr), BEDSIDE_STATUS_IMAGE_ERROR);
    EXPECT(rr == NULL);
    EXPECT_STATUS(bedside_reader_read(reader, png.data, png.len / 2, &rr), BEDSIDE_STATUS_IMAGE_ERROR);
    EXPECT_STATUS(bedside_reader_read(reader, NULL, 10, &rr), BEDSIDE_STATUS_NULL_POINTER);
    EXPECT_STATUS(bedside_reader_read(NULL, png.data, png.len, &rr), BEDSIDE_STATUS_NULL_POINTER);
    EXPECT_STATUS(bedside_reader_read(reader, png.data, png.len, NULL), BEDSIDE_STATUS_NULL_POINTER);
    EXPECT_STATUS(bedside_read_result_info(NULL, &ri), BEDSIDE_STATUS_NULL_POINTER);
    size_t big = 1 << 20;
    uint8_t *mib = malloc(big);
    memset(mib, 0x89, big);
    EXPECT_STATUS(bedside_reader_read(reader, mib, big, &rr), BEDSIDE_STATUS_IMAGE_ERROR);
    free(mib);
    ro.budget_ms = 0;
    BedsideReader *bad = (BedsideReader *)1;
    EXPECT_STATUS(bedside_reader_new(&ro, &bad), BEDSIDE_STATUS_INVALID_ARGUMENT);
    EXPECT(bad == NULL);
    EXPECT_STATUS(bedside_reader_new(NULL, NULL), BEDSIDE_STATUS_NULL_POINTER);
    bedside_reader_free(NULL);
    bedside_read_result_free(NULL);

    bedside_reader_free(reader);
    bedside_buffer_free(&png);
    bedside_buffer_free(&linear);
    bedside_gs1_result_free(m);
}

/* Several threads share one policy and parse at once. */
#define THREADS 4
#define ROUNDS 200

static void *worker(void *arg) {
    const BedsideWristbandPolicy *policy = arg;
    for (int i = 0; i < ROUNDS; i++) {
        BedsideWristbandResult *r = NULL;
        if (bedside_wristband_check(policy, u8(BAND), strlen(BAND), NULL, &r) != BEDSIDE_STATUS_OK) return (void *)1;
        BedsideWristbandInfo w;
        int ok = bedside_wristband_result_info(r, &w) == BEDSIDE_STATUS_OK &&
                 w.verdict == BEDSIDE_WRISTBAND_VERDICT_ACCEPTED && bytes_eq(w.nhs_number, "9990001235");
        bedside_wristband_result_free(r);
        BedsideGs1Result *g = NULL;
        if (bedside_gs1_parse(BEDSIDE_INPUT_FORM_AUTO, u8("(01)09506000134353"), 18, NULL, &g) != BEDSIDE_STATUS_OK)
            return (void *)1;
        BedsideGs1Info info;
        ok = ok && bedside_gs1_result_info(g, &info) == BEDSIDE_STATUS_OK &&
             info.error_class == BEDSIDE_ERROR_CLASS_BAD_CHECK_DIGIT;
        bedside_gs1_result_free(g);
        if (!ok) return (void *)1;
    }
    return NULL;
}

static void check_threads(void) {
    BedsideWristbandPolicy *demo = NULL;
    EXPECT_STATUS(bedside_wristband_policy_demo(&demo), BEDSIDE_STATUS_OK);
    pthread_t t[THREADS];
    for (int i = 0; i < THREADS; i++) EXPECT(pthread_create(&t[i], NULL, worker, demo) == 0);
    for (int i = 0; i < THREADS; i++) {
        void *ret = (void *)1;
        EXPECT(pthread_join(t[i], &ret) == 0);
        EXPECT(ret == NULL);
    }
    bedside_wristband_policy_free(demo);
}

int main(int argc, char **argv) {
    if (argc == 4 && strcmp(argv[1], "vectors") == 0) {
        return run_vectors(argv[2], argv[3]);
    }
    if (argc == 3 && strcmp(argv[1], "checks") == 0) {
        uint32_t budget_ms = (uint32_t)strtoul(argv[2], NULL, 10);
        check_static_strings();
        check_gs1_valid_and_renders();
        check_gs1_forms_and_errors();
        check_gs1_hostile();
        check_nhs();
        check_wristband();
        check_barcode(budget_ms);
        check_threads();
        printf("checks: %d passed\n", checks);
        return 0;
    }
    fprintf(stderr, "usage: %s vectors CASES OUT | checks BUDGET_MS\n", argv[0]);
    return 2;
}
