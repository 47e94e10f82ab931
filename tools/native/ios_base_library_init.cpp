// Supplies std::ios_base_library_init(), the one GLIBCXX_3.4.32 (GCC 13) symbol libLibTorchSharp.so needs,
// for systems whose libstdc++ is older (Debian 12, Ubuntu 22.04, RHEL 9). GCC 13 calls it once per
// translation unit that includes <iostream>, to construct the standard streams; an ios_base::Init object
// does exactly that.
#include <ios>

namespace std
{
    void ios_base_library_init()
    {
        static ios_base::Init init;
    }
}
