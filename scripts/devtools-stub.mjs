// Stand-in for react-devtools-core, which the bundle never needs.
export default { initialize() {}, connectToDevTools() {} };
