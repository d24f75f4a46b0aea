// program.cpp - the public headers from C++: they must compile there and
// link (extern "C"), as a C++ caller of the library would use them.
#include <almanac/almanac.h>

#include <cstdio>

int main()
{
    almanac_diagnostics diags;
    almanac_diagnostics_init(&diags);
    const char text[] = "{\"calendar\": {\"id\": \"c\", \"name\": \"C\"}, \"events\": []}";
    almanac_document *doc = almanac_load(text, sizeof text - 1, &diags);
    bool ok = doc != nullptr && !almanac_diagnostics_has_errors(&diags);
    almanac_document_free(doc);
    almanac_diagnostics_free(&diags);
    std::puts(ok ? "c++: loaded" : "c++: failed");
    return ok ? 0 : 1;
}
