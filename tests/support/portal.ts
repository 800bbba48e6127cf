// The lab portal the tests play: the service under test lists it in CORS_ORIGINS (tests/support/global-setup.ts).
export const TEST_PORTAL_ORIGIN = 'https://portal.example.org';
